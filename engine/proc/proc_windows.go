package proc

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

func sysProcAttr() *syscall.SysProcAttr {
	// A console process group of its own, so that CTRL_BREAK_EVENT reaches
	// the command and not envrun.
	return &syscall.SysProcAttr{CreationFlags: windows.CREATE_NEW_PROCESS_GROUP}
}

// group: on Windows the command is put in a job object of its own, which
// its children join when they start. The job is kill-on-close: when its
// last handle closes (envrun's, also when envrun is killed) every process
// in it ends. A child the command starts before it joins the job (it joins
// right after CreateProcess returns) escapes it; Go's os/exec offers no way
// to start a process suspended.
type group struct {
	job windows.Handle
}

func (g *group) join(p *os.Process) error {
	job, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return fmt.Errorf("create job object: %w", err)
	}
	info := windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION{
		BasicLimitInformation: windows.JOBOBJECT_BASIC_LIMIT_INFORMATION{
			LimitFlags: windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
		},
	}
	if _, err := windows.SetInformationJobObject(job, windows.JobObjectExtendedLimitInformation,
		uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info))); err != nil {
		windows.CloseHandle(job)
		return fmt.Errorf("set up job object: %w", err)
	}
	// os.Process keeps its own handle until Wait, so the pid names this
	// process.
	h, err := windows.OpenProcess(windows.PROCESS_SET_QUOTA|windows.PROCESS_TERMINATE, false, uint32(p.Pid))
	if err == nil {
		err = windows.AssignProcessToJobObject(job, h)
		windows.CloseHandle(h)
	}
	if err != nil {
		windows.CloseHandle(job)
		return fmt.Errorf("put process %d in a job object: %w", p.Pid, err)
	}
	g.job = job
	return nil
}

// stop asks the command to stop, as Ctrl-Break at a console would; with
// no console shared with the command there is nothing gentler than killing
// it.
func (g *group) stop(p *os.Process) error {
	if windows.GenerateConsoleCtrlEvent(windows.CTRL_BREAK_EVENT, uint32(p.Pid)) == nil {
		return nil
	}
	if err := p.Kill(); !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	return nil
}

func (g *group) kill(p *os.Process) {
	if g.job != 0 {
		windows.TerminateJobObject(g.job, 1)
		return
	}
	p.Kill()
}

func (g *group) release(*os.Process) {
	if g.job != 0 {
		windows.TerminateJobObject(g.job, 1)
		windows.CloseHandle(g.job)
		g.job = 0
	}
}
