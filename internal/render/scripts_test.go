package render

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The real-ZooKeeper suite (e2e/zookeeper) runs these scripts against
// real servers; these table tests pin each branch of their logic.

func runScript(t *testing.T, script string, env ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("bash", "-c", script)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestStartScript(t *testing.T) {
	cfg := "dataDir=/nowhere\n" +
		"server.1=zk-0.zk-headless.ns.svc.cluster.local:2888:3888;2181\n" +
		"server.2=zk-1.zk-headless.ns.svc.cluster.local:2888:3888;2181\n" +
		"server.3=zk-2.zk-headless.ns.svc.cluster.local:2888:3888;2181\n" +
		"server.12=orders-zk-0.orders-zk-headless.ns.svc.cluster.local:2888:3888:observer;2181\n"
	cases := map[string]struct {
		host, existing, wantErr, wantID string
	}{
		"fresh volume gets its line's id": {host: "zk-2", wantID: "3"},
		"id from the list, not the name":  {host: "orders-zk-0", wantID: "12"},
		"matching myid is kept":           {host: "zk-1", existing: "2\n", wantID: "2"},
		"another member's volume":         {host: "zk-1", existing: "3\n", wantErr: "inspect PersistentVolumeClaim data-zk-1", wantID: "3"},
		"a name that only ends alike":     {host: "k-1", wantErr: "no server line for pod k-1"},
		"more pods than server lines":     {host: "zk-3", wantErr: "no server line for pod zk-3"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			conf, data, bin := filepath.Join(dir, "conf"), filepath.Join(dir, "data"), filepath.Join(dir, "bin")
			for _, d := range []string{conf, data, bin} {
				require.NoError(t, os.MkdirAll(d, 0o755))
			}
			// The last dataDir line wins, as in ZooKeeper: the test's own.
			require.NoError(t, os.WriteFile(filepath.Join(conf, "zoo.cfg"), []byte(cfg+"dataDir="+data+"\n"), 0o644))
			// Stands in for the image's zkServer.sh: records how it was called.
			require.NoError(t, os.WriteFile(filepath.Join(bin, "zkServer.sh"), []byte("#!/bin/sh\necho \"started $*\"\n"), 0o755))
			if tc.existing != "" {
				require.NoError(t, os.WriteFile(filepath.Join(data, "myid"), []byte(tc.existing), 0o644))
			}
			cmd := exec.Command("bash", "-c", startScript)
			cmd.Env = []string{"PATH=" + bin + ":" + os.Getenv("PATH"), "HOSTNAME=" + tc.host, "ZOOCFGDIR=" + conf}
			out, err := cmd.CombinedOutput()
			if tc.wantErr != "" {
				require.Error(t, err, string(out))
				assert.Contains(t, string(out), tc.wantErr)
				assert.NotContains(t, string(out), "started")
			} else {
				require.NoError(t, err, string(out))
				assert.Contains(t, string(out), "started --config "+conf+" start-foreground")
			}
			if tc.wantID != "" {
				b, err := os.ReadFile(filepath.Join(data, "myid"))
				require.NoError(t, err)
				assert.Equal(t, tc.wantID, strings.TrimSpace(string(b)))
			}
		})
	}
}

// fourLetterServer answers every connection with reply and closes it.
func fourLetterServer(t *testing.T, reply string) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 4)
			_, _ = c.Read(buf)
			_, _ = c.Write([]byte(reply))
			c.Close()
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}

func TestProbeScripts(t *testing.T) {
	srvr := func(mode string) string {
		return "Zookeeper version: 3.9.6\nLatency min/avg/max: 0/0.1/2\nMode: " + mode + "\nNode count: 5\n"
	}
	cases := []struct {
		script, reply string
		ok            bool
	}{
		{readyScript, srvr("leader"), true},
		{readyScript, srvr("follower"), true},
		{readyScript, srvr("observer"), true},
		{readyScript, srvr("standalone"), true},
		{readyScript, srvr("read-only"), false},
		{readyScript, "This ZooKeeper instance is not currently serving requests\n", false},
		{readyScript, "", false},
		{liveScript, "imok", true},
		{liveScript, "", false},
		{liveScript, "nope", false},
	}
	for i, tc := range cases {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			port := fourLetterServer(t, tc.reply)
			out, err := runScript(t, tc.script, "ZK_CLIENT_PORT="+strconv.Itoa(port))
			assert.Equal(t, tc.ok, err == nil, "reply %q: %s", tc.reply, out)
		})
	}
	t.Run("nothing listening", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		for _, s := range []string{readyScript, liveScript} {
			_, err := runScript(t, s, "ZK_CLIENT_PORT="+strconv.Itoa(port))
			assert.Error(t, err)
		}
	})
}
