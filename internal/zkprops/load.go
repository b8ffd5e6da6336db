package zkprops

import (
	"fmt"
	"strconv"
	"unicode/utf16"
)

// Load parses a file as java.util.Properties.load(InputStream) does, the
// way ZooKeeper reads zoo.cfg: bytes are ISO-8859-1; '#' or '!' first on
// a line starts a comment; a line ending in an odd number of '\'
// continues on the next one, whose leading whitespace is skipped; the key
// ends at the first unescaped '=', ':' or whitespace; escapes (\uXXXX,
// \t, \n, \r, \f, \x for any other x) are decoded in keys and values.
// Later keys replace earlier ones, as in a Hashtable; the order of first
// appearance is kept. It is a Go port of the JDK 17 LineReader and
// loadConvert, for tests that need to read what ZooKeeper reads.
func Load(data []byte) ([]Entry, error) {
	var out []Entry
	index := map[string]int{}
	for _, line := range logicalLines(data) {
		k, v, err := splitLine(line)
		if err != nil {
			return nil, err
		}
		if i, ok := index[k]; ok {
			out[i].Value = v
			continue
		}
		index[k] = len(out)
		out = append(out, Entry{Key: k, Value: v})
	}
	return out, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\f' }

// logicalLines is the JDK's LineReader.readLine, called until the end:
// logical lines with escapes kept, comments and blank lines dropped.
func logicalLines(data []byte) [][]byte {
	var lines [][]byte
	var cur []byte
	skipSpace, appended, backslash, skipLF := true, false, false, false
	for off := 0; off < len(data); off++ {
		c := data[off]
		if skipLF {
			skipLF = false
			if c == '\n' {
				continue
			}
		}
		if skipSpace {
			if isSpace(c) || !appended && (c == '\n' || c == '\r') {
				continue
			}
			skipSpace, appended = false, false
		}
		if len(cur) == 0 && (c == '#' || c == '!') {
			for off+1 < len(data) && data[off+1] != '\n' && data[off+1] != '\r' {
				off++
			}
			skipSpace = true
			continue
		}
		if c != '\n' && c != '\r' {
			cur = append(cur, c)
			backslash = c == '\\' && !backslash
			continue
		}
		if len(cur) == 0 {
			skipSpace = true
			continue
		}
		if off+1 < len(data) && backslash {
			cur = cur[:len(cur)-1]
			skipSpace, appended, backslash = true, true, false
			skipLF = c == '\r'
			continue
		}
		if backslash {
			cur = cur[:len(cur)-1]
		}
		lines, cur, skipSpace, backslash = append(lines, cur), nil, true, false
	}
	if len(cur) > 0 {
		if backslash {
			cur = cur[:len(cur)-1]
		}
		lines = append(lines, cur)
	}
	return lines
}

// splitLine is Properties.load0's split of a logical line into key and
// value, then loadConvert on each.
func splitLine(line []byte) (string, string, error) {
	keyLen, valueStart, hasSep, backslash := 0, len(line), false, false
	for keyLen < len(line) {
		c := line[keyLen]
		if (c == '=' || c == ':') && !backslash {
			valueStart, hasSep = keyLen+1, true
			break
		} else if isSpace(c) && !backslash {
			valueStart = keyLen + 1
			break
		}
		backslash = c == '\\' && !backslash
		keyLen++
	}
	for valueStart < len(line) {
		c := line[valueStart]
		if !isSpace(c) {
			if !hasSep && (c == '=' || c == ':') {
				hasSep = true
			} else {
				break
			}
		}
		valueStart++
	}
	k, err := convert(line[:keyLen])
	if err != nil {
		return "", "", err
	}
	v, err := convert(line[valueStart:])
	return k, v, err
}

// convert is loadConvert: it decodes escapes into Java chars (UTF-16
// units, bytes as ISO-8859-1) and returns them as a Go string.
func convert(in []byte) (string, error) {
	var out []uint16
	for i := 0; i < len(in); i++ {
		c := in[i]
		if c != '\\' || i+1 >= len(in) {
			if c == '\\' {
				// A lone trailing backslash decodes to nothing in
				// loadConvert (the escape has no character).
				continue
			}
			out = append(out, uint16(c))
			continue
		}
		i++
		switch c = in[i]; c {
		case 'u':
			if i+5 > len(in) {
				return "", fmt.Errorf("malformed \\uxxxx encoding")
			}
			n, err := strconv.ParseUint(string(in[i+1:i+5]), 16, 16)
			if err != nil {
				return "", fmt.Errorf("malformed \\uxxxx encoding")
			}
			out, i = append(out, uint16(n)), i+4
		case 't':
			out = append(out, '\t')
		case 'r':
			out = append(out, '\r')
		case 'n':
			out = append(out, '\n')
		case 'f':
			out = append(out, '\f')
		default:
			out = append(out, uint16(c))
		}
	}
	return string(utf16.Decode(out)), nil
}
