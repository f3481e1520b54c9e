package timing

import (
	"context"
	"testing"
	"time"
)

func TestRecorderCollectsPhasesInOrder(t *testing.T) {
	var r Recorder
	ctx := With(context.Background(), &r)
	end := Start(ctx, "create")
	time.Sleep(5 * time.Millisecond)
	if d := end(); d < 5*time.Millisecond {
		t.Errorf("create took %s, want ≥ 5ms", d)
	}
	Start(ctx, "start")()
	got := r.Phases()
	if len(got) != 2 || got[0].Name != "create" || got[1].Name != "start" {
		t.Fatalf("phases %+v, want create then start", got)
	}
	if got[0].Duration < 5*time.Millisecond || got[1].Start.Before(got[0].Start) {
		t.Errorf("phases %+v: wrong durations or starts", got)
	}
}

func TestWithoutRecorderNothingIsRecorded(t *testing.T) {
	ctx := context.Background()
	if From(ctx) != nil {
		t.Fatal("a recorder where none was given")
	}
	if d := Start(ctx, "x")(); d < 0 {
		t.Errorf("duration %s", d)
	}
	var r *Recorder
	if r.Phases() != nil {
		t.Error("a nil recorder has phases")
	}
}
