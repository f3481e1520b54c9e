package docker

import (
	"fmt"
	"slices"
	"strings"

	"github.com/docker/cli/cli/context/store"

	"github.com/envrun/envrun/engine/spec"
)

// placement is where the Envfile's machines run: the engines in use, the
// environment's default first, and the engine of each machine.
type placement struct {
	choices []engineChoice
	// machine is the index in choices of each machine's engine.
	machine map[string]int
}

// placeMachines reads the Envfile's engines: `engine "NAME" { ... }` and
// `machine { engine = NAME }`, or, without engine declarations, the one
// engine that the machines' docker.host, docker.context and docker.reach
// choose (issue 12's form, kept).
func placeMachines(ef *spec.Envfile) (*placement, error) {
	pl := &placement{machine: map[string]int{}}
	index := map[string]int{}
	add := func(name string) (int, error) {
		if i, ok := index[name]; ok {
			return i, nil
		}
		var c engineChoice
		if name == "" {
			var err error
			if c, err = engineOf(ef); err != nil {
				return 0, err
			}
		} else {
			en := ef.Engine(name)
			if en == nil {
				return 0, fmt.Errorf("unknown engine %q", name) // Validate said where
			}
			c = engineChoice{Name: en.Name, Host: en.Docker, Context: en.Context, Reach: en.Reach}
		}
		index[name] = len(pl.choices)
		pl.choices = append(pl.choices, c)
		return index[name], nil
	}
	// The default engine first: networks no machine uses go there.
	def := ""
	if d := ef.DefaultEngine(); d != nil {
		def = d.Name
	}
	if _, err := add(def); err != nil {
		return nil, err
	}
	for _, m := range ef.Machines {
		i, err := add(ef.EngineOf(m))
		if err != nil {
			return nil, err
		}
		pl.machine[m.Name] = i
	}
	return pl, nil
}

// engineName is how messages name the engine of choice c.
func (c engineChoice) engineName() string {
	if c.Name == "" {
		return "the default engine"
	}
	return fmt.Sprintf("engine %q", c.Name)
}

// checkEngines checks, without asking any engine, the Envfile's engines
// against its machines and networks: machines with engine declarations
// name theirs by engine = NAME, not by docker.host; and a network whose
// machines sit on several engines says span = true.
func checkEngines(ef *spec.Envfile) error {
	var errs spec.Errors
	if len(ef.Engines) > 0 {
		for _, m := range ef.Machines {
			o, err := decodeOptions(m, ef.Dir)
			if err != nil {
				continue // reported by CheckOptions
			}
			if o.Host != "" || o.Context != "" || o.Reach != "" {
				errs = append(errs, spec.Errorf(m.Providers["docker"].Pos,
					"machine %q: docker: host, context and reach belong to an engine when the Envfile declares engines: write engine = \"NAME\" in the machine, and set them in engine \"NAME\" { ... }", m.Name))
			}
		}
		if len(errs) > 0 {
			return errs
		}
	} else if _, err := engineOf(ef); err != nil {
		return err
	}
	for _, n := range ef.Networks {
		if n.Span {
			continue
		}
		var on []string // "machine1 on engine "a""
		engines := map[string]bool{}
		for _, m := range ef.Machines {
			if !slices.ContainsFunc(m.Networks, func(a spec.Attachment) bool { return a.Network == n.Name }) {
				continue
			}
			e := ef.EngineOf(m)
			if !engines[e] {
				engines[e] = true
				name := "the default engine"
				if e != "" {
					name = fmt.Sprintf("engine %q", e)
				}
				on = append(on, fmt.Sprintf("%s on %s", m.Name, name))
			}
		}
		if len(engines) > 1 {
			errs = append(errs, spec.Errorf(n.Pos,
				"network %q has machines on several engines (%s): set span = true to make it a Swarm overlay network across them, or place its machines on one engine",
				n.Name, strings.Join(on, ", ")))
		}
	}
	return errs.Err()
}

// checkContexts checks that every docker context the Envfile names (an
// engine's context, or a machine's docker.context) is in the docker CLI's
// context store: a misspelt name is the Envfile's error, said before
// anything is made. It reads the store's files, no engine.
func checkContexts(ef *spec.Envfile) spec.Errors {
	var errs spec.Errors
	var s *store.ContextStore
	check := func(pos spec.Pos, what, name string) {
		if name == "" {
			return
		}
		if s == nil {
			s = contextStore()
		}
		if !contextExists(s, name) {
			errs = append(errs, spec.Errorf(pos, "%s: %v", what, unknownContext(s, name, "")))
		}
	}
	for _, en := range ef.Engines {
		check(en.Pos, fmt.Sprintf("engine %q: context", en.Name), en.Context)
	}
	if len(ef.Engines) > 0 {
		return errs // a machine's docker.context is an error of its own then
	}
	for _, m := range ef.Machines {
		o, err := decodeOptions(m, ef.Dir)
		if err != nil {
			continue // reported by CheckOptions
		}
		check(m.Providers["docker"].Pos, fmt.Sprintf("machine %q: docker.context", m.Name), o.Context)
	}
	return errs
}
