package render

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStartScriptEpochGuard pins each branch of start.sh's epoch guard
// (an empty currentEpoch.tmp left by a member killed while writing it).
// e2e/scaling's TestEpochGuard proves it on a real member.
func TestStartScriptEpochGuard(t *testing.T) {
	absent := "absent"
	cases := map[string]struct {
		files   map[string]string // under version-2
		wantTmp string            // currentEpoch.tmp afterwards
		wantErr string
	}{
		"no tmp, data not newer": {files: map[string]string{"currentEpoch": "3", "acceptedEpoch": "4", "snapshot.300000000": "", "log.300000001": ""}, wantTmp: absent},
		"no tmp, the join snapshot not renamed": {
			files:   map[string]string{"currentEpoch": "3", "acceptedEpoch": "4", "snapshot.300000000": "", "snapshot.400000017.tmp": ""},
			wantTmp: "4",
		},
		"no tmp, the join snapshot renamed": {
			files:   map[string]string{"currentEpoch": "3", "acceptedEpoch": "4", "snapshot.400000017": ""},
			wantTmp: "4",
		},
		"no tmp, data of an epoch never accepted": {
			files:   map[string]string{"currentEpoch": "3", "acceptedEpoch": "5", "snapshot.400000017": ""},
			wantErr: "holds epoch 4, newer than currentEpoch 3, and acceptedEpoch is '5', not 4",
		},
		"no tmp, acceptedEpoch missing": {
			files:   map[string]string{"currentEpoch": "3", "snapshot.400000017": ""},
			wantErr: "acceptedEpoch is '', not 4",
		},
		"a readable tmp is ZooKeeper's own": {
			files:   map[string]string{"currentEpoch": "3", "acceptedEpoch": "4", "currentEpoch.tmp": "4"},
			wantTmp: "4",
		},
		"empty tmp filled with acceptedEpoch": {
			files:   map[string]string{"currentEpoch": "3", "acceptedEpoch": "4", "currentEpoch.tmp": "", "snapshot.400000000": "", "log.300000001": ""},
			wantTmp: "4",
		},
		"empty tmp the loader ignores": {
			files:   map[string]string{"currentEpoch": "4", "acceptedEpoch": "4", "currentEpoch.tmp": ""},
			wantTmp: "",
		},
		"no currentEpoch: the loader derives it": {
			files:   map[string]string{"acceptedEpoch": "4", "currentEpoch.tmp": ""},
			wantTmp: "",
		},
		"acceptedEpoch unreadable": {
			files:   map[string]string{"currentEpoch": "3", "acceptedEpoch": "", "currentEpoch.tmp": ""},
			wantErr: "refusing to guess the epoch",
		},
		"acceptedEpoch missing": {
			files:   map[string]string{"currentEpoch": "3", "currentEpoch.tmp": "\n"},
			wantErr: "refusing to guess the epoch",
		},
		"data newer than acceptedEpoch": {
			files:   map[string]string{"currentEpoch": "3", "acceptedEpoch": "4", "currentEpoch.tmp": "", "log.500000001": ""},
			wantErr: "holds epoch 5, newer than acceptedEpoch 4",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			conf, data, bin := filepath.Join(dir, "conf"), filepath.Join(dir, "data"), filepath.Join(dir, "bin")
			snap := filepath.Join(data, "version-2")
			for _, d := range []string{conf, snap, bin} {
				require.NoError(t, os.MkdirAll(d, 0o755))
			}
			cfg := "server.1=zk-0.zk-headless.ns.svc.cluster.local:2888:3888;2181\ndataDir=" + data + "\n"
			require.NoError(t, os.WriteFile(filepath.Join(conf, "zoo.cfg"), []byte(cfg), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(bin, "zkServer.sh"), []byte("#!/bin/sh\necho \"started $*\"\n"), 0o755))
			for f, c := range tc.files {
				require.NoError(t, os.WriteFile(filepath.Join(snap, f), []byte(c), 0o644))
			}
			cmd := exec.Command("bash", "-c", startScript)
			cmd.Env = []string{"PATH=" + bin + ":" + os.Getenv("PATH"), "HOSTNAME=zk-0", "ZOOCFGDIR=" + conf}
			out, err := cmd.CombinedOutput()
			if tc.wantErr != "" {
				require.Error(t, err, string(out))
				assert.Contains(t, string(out), tc.wantErr)
				assert.NotContains(t, string(out), "started")
				return
			}
			require.NoError(t, err, string(out))
			assert.Contains(t, string(out), "started --config")
			b, err := os.ReadFile(filepath.Join(snap, "currentEpoch.tmp"))
			if tc.wantTmp == absent {
				assert.True(t, os.IsNotExist(err), "currentEpoch.tmp appeared")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.wantTmp, string(b))
		})
	}
}
