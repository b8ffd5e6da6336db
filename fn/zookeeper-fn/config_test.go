package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOneConfig(t *testing.T) {
	for name, c := range map[string]struct {
		text  string
		error string
	}{
		"one spec":             {text: "apiVersion: zookeeper-fn.dev/v1alpha1\nkind: ZookeeperSpec\nmetadata: {name: a}\n"},
		"two specs":            {text: "apiVersion: zookeeper-fn.dev/v1alpha1\nkind: ZookeeperSpec\nmetadata: {name: a}\n---\napiVersion: zookeeper-fn.dev/v1alpha1\nkind: ZookeeperSpec\nmetadata: {name: b}\n", error: "holds 2 objects"},
		"a trailing separator": {text: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n"},
		"not YAML":             {text: "{"}, // kyaml's reader says what is wrong
	} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "config.yaml")
			require.NoError(t, os.WriteFile(p, []byte(c.text), 0o644))
			err := oneConfig([]string{p})
			if c.error == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.error)
			assert.Contains(t, err.Error(), "zookeeper-fn "+p+" "+p)
			assert.NoError(t, oneConfig([]string{p, p}), "as the config and an input too, every object is rendered")
		})
	}
}
