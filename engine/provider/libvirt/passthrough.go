package libvirt

import (
	"encoding/xml"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"libvirt.org/go/libvirtxml"
)

// Pass-through (libvirt.domain_xml, libvirt.qemu_args): what envrun does
// not model, given as libvirt takes it.

// managedElements are the domain's elements envrun sets itself.
var managedElements = []string{"name", "uuid", "title", "metadata", "memory", "vcpu", "currentMemory", "qemu:commandline", "commandline"}

// parseDomainXML reads a domain_xml fragment: children of <domain>, such
// as <devices><watchdog model="i6300esb"/></devices> or <cpu>...</cpu>.
// Every element must be one libvirtxml knows (a misspelt element would
// otherwise be dropped without a word) and none envrun sets itself.
func parseDomainXML(frag string) (*libvirtxml.Domain, error) {
	var d libvirtxml.Domain
	if err := xml.Unmarshal([]byte("<domain>"+frag+"</domain>"), &d); err != nil {
		return nil, fmt.Errorf("not XML that libvirt takes: %v", err)
	}
	again, err := xml.Marshal(&d)
	if err != nil {
		return nil, err
	}
	kept := map[string]bool{}
	for _, n := range elementNames(string(again)) {
		kept[n] = true
	}
	names := elementNames("<domain>" + frag + "</domain>")
	for i, n := range names {
		if i == 0 {
			continue
		}
		if slices.Contains(managedElements, n) && isChildOfDomain("<domain>"+frag+"</domain>", n) {
			return nil, fmt.Errorf("<%s> is set by envrun", n)
		}
		if !kept[n] {
			return nil, fmt.Errorf("<%s> is not an element of a libvirt domain that envrun's libvirt library knows (misspelt, or in the wrong place?)", n)
		}
	}
	return &d, nil
}

// elementNames lists the local names of the elements of doc, in order.
func elementNames(doc string) []string {
	dec := xml.NewDecoder(strings.NewReader(doc))
	var out []string
	for {
		tok, err := dec.Token()
		if err == io.EOF || err != nil {
			return out
		}
		if se, ok := tok.(xml.StartElement); ok {
			out = append(out, se.Name.Local)
		}
	}
}

// isChildOfDomain reports whether an element called name is a direct
// child of the root.
func isChildOfDomain(doc, name string) bool {
	dec := xml.NewDecoder(strings.NewReader(doc))
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 2 && t.Name.Local == name {
				return true
			}
		case xml.EndElement:
			depth--
		}
	}
}

// mergeDomain lays extra over d: device lists are appended to envrun's,
// <os> fields given replace envrun's one by one, any other element given
// replaces envrun's (<cpu>, <features>, <clock>, ...).
func mergeDomain(d, extra *libvirtxml.Domain) {
	dv, ev := reflect.ValueOf(d).Elem(), reflect.ValueOf(extra).Elem()
	for i := range ev.NumField() {
		f, name := ev.Field(i), ev.Type().Field(i).Name
		if name == "XMLName" || f.IsZero() {
			continue
		}
		switch name {
		case "Devices", "OS":
			if dv.Field(i).IsNil() {
				dv.Field(i).Set(f)
				continue
			}
			to, from := dv.Field(i).Elem(), f.Elem()
			for j := range from.NumField() {
				if ff := from.Field(j); !ff.IsZero() {
					if ff.Kind() == reflect.Slice && name == "Devices" {
						to.Field(j).Set(reflect.AppendSlice(to.Field(j), ff))
					} else {
						to.Field(j).Set(ff)
					}
				}
			}
		default:
			dv.Field(i).Set(f)
		}
	}
}

// checkQemuArgs reports why args cannot be QEMU command-line arguments
// given through libvirt's <qemu:commandline>, or "".
func checkQemuArgs(args []string) string {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return fmt.Sprintf("%q is not a QEMU option: the list is options and their values, like { \"-device\", \"i6300esb\" }", args[0])
	}
	for _, a := range args {
		if a == "" {
			return "an argument is empty"
		}
	}
	return ""
}

// qemuCommandline is args as libvirt's QEMU namespace element.
func qemuCommandline(args []string) *libvirtxml.DomainQEMUCommandline {
	if len(args) == 0 {
		return nil
	}
	c := &libvirtxml.DomainQEMUCommandline{}
	for _, a := range args {
		c.Args = append(c.Args, libvirtxml.DomainQEMUCommandlineArg{Value: a})
	}
	return c
}
