//go:build libvirt_dlopen && cgo

package libvirt

import (
	"strings"
	"testing"
)

const volXML = `<volume type='file'>
  <name>envrun-box-debian%2Fbookworm.json</name>
  <key>/var/lib/libvirt/images/envrun/envrun-box-debian%2Fbookworm.json</key>
  <capacity unit='bytes'>277</capacity>
  <target>
    <path>/var/lib/libvirt/images/envrun/envrun-box-debian%2Fbookworm.json</path>
    <timestamps>
      <atime>1796595914.679403549</atime>
      <mtime>1796595914.678956767</mtime>
      <ctime>1796595914.678956767</ctime>
    </timestamps>
  </target>
</volume>`

func TestStampOf(t *testing.T) {
	got, err := stampOf(volXML)
	want := "/var/lib/libvirt/images/envrun/envrun-box-debian%2Fbookworm.json 277 1796595914.678956767 1796595914.678956767"
	if err != nil || got != want {
		t.Errorf("stampOf = %q, %v; want %q", got, err, want)
	}
	// No times (a pool that is not a folder): nothing to trust a copy by.
	noTimes := strings.ReplaceAll(volXML, "<timestamps>", "<!--")
	noTimes = strings.ReplaceAll(noTimes, "</timestamps>", "-->")
	if got, err := stampOf(noTimes); err != nil || got != "" {
		t.Errorf("stampOf without times = %q, %v; want \"\"", got, err)
	}
}

// stampedVolume is reads of one volume whose stamp and content the test
// sets, counting the downloads.
type stampedVolume struct {
	reads
	stamp, content string
	downloads      int
}

func (s *stampedVolume) volumeStamp(string) (string, error) { return s.stamp, nil }

func (s *stampedVolume) readVolume(string, int) ([]byte, error) {
	s.downloads++
	return []byte(s.content), nil
}

// A volume is downloaded again only when its stamp changes; one with no
// stamp, or larger than the caller allows, every time.
func TestCachedReads(t *testing.T) {
	t.Setenv("ENVRUN_CACHE", t.TempDir())
	v := &stampedVolume{stamp: "a 3 1.0 1.0", content: "one"}
	r := cachedReads{v, "qemu+ssh://host/system"}
	read := func(limit int, want string, downloads int) {
		t.Helper()
		got, err := r.readVolume("box.json", limit)
		if err != nil || string(got) != want || v.downloads != downloads {
			t.Errorf("readVolume = %q, %v after %d downloads; want %q after %d", got, err, v.downloads, want, downloads)
		}
	}
	read(100, "one", 1)
	read(100, "one", 1) // kept
	v.stamp, v.content = "a 3 2.0 2.0", "two"
	read(100, "two", 2) // changed
	read(100, "two", 2)
	read(2, "two", 3) // larger than allowed: the download says so
	other := cachedReads{v, "qemu:///system"}
	if got, _ := other.readVolume("box.json", 100); string(got) != "two" || v.downloads != 4 {
		t.Errorf("another libvirt's volume of the same name was not downloaded (%d downloads)", v.downloads)
	}
	v.stamp = ""
	read(100, "two", 5)
	read(100, "two", 6)
}
