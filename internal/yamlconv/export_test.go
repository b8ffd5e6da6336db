package yamlconv

import "reflect"

// DecodeFast is DecodeJSON without the encoding/json fallback, so tests
// can tell that the fast path decoded a spec.
func DecodeFast(data []byte, v any) error { return decodeFast(data, reflect.ValueOf(v).Elem()) }
