package store

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
)

// HeldLock is a store lock this process holds (AcquireLock). On a local
// directory it is an OS file lock, held until Unlock. On object storage
// it is a lease (LeaseLocker) that can be lost while held: Context is then
// cancelled, and Check and Lost report ErrLeaseLost.
type HeldLock struct {
	parent  context.Context // the context the lock was taken with
	ctx     context.Context // parent, or the lease's held context
	confirm func(context.Context) error
	unlock  func()
	// released is set by Unlock (which cancels a lease's context: that is
	// no loss).
	released atomic.Bool
}

// AcquireLock takes the lock name of objs, shared by every process using
// the same data directory: its LeaseLocker when it has one, else its
// Locker. A backend with neither gets a lock that does nothing.
func AcquireLock(ctx context.Context, objs Objects, name string) (*HeldLock, error) {
	if ll, ok := objs.(LeaseLocker); ok {
		held, confirm, unlock, err := ll.LockLease(ctx, name)
		if err != nil {
			return nil, err
		}
		return &HeldLock{parent: ctx, ctx: held, confirm: confirm, unlock: unlock}, nil
	}
	if l, ok := objs.(Locker); ok {
		unlock, err := l.Lock(ctx, name)
		if err != nil {
			return nil, err
		}
		return &HeldLock{parent: ctx, ctx: ctx, unlock: unlock}, nil
	}
	return &HeldLock{parent: ctx, ctx: ctx, unlock: func() {}}, nil
}

// Context returns the context the lock was taken with or, for a lease, a
// context derived from it that is cancelled once the lease is known lost:
// writes made under the lock with it stop then.
func (l *HeldLock) Context() context.Context { return l.ctx }

// Lost returns an error wrapping ErrLeaseLost, and saying how, once the
// lock is known lost; nil while it is held (always, for a lock that
// cannot be lost). It does no I/O.
func (l *HeldLock) Lost() error {
	if l.confirm == nil || l.ctx.Err() == nil || l.parent.Err() != nil || l.released.Load() {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrLeaseLost, context.Cause(l.ctx))
}

// Check confirms the lock is still held, right before a write that must
// not land once another process may hold it. For a lease it renews it now
// (see LeaseLocker), so the write that follows has a whole time to live
// before anyone can take the lease over; it returns an error wrapping
// ErrLeaseLost when the lease is lost, or ctx's error when ctx ends first.
// A lock that cannot be lost is never checked: nil.
func (l *HeldLock) Check(ctx context.Context) error {
	if l.confirm == nil {
		return nil
	}
	err := l.confirm(ctx)
	switch {
	case err == nil:
		return nil
	case l.Lost() != nil:
		return l.Lost()
	case ctx.Err() != nil:
		return err
	}
	return fmt.Errorf("%w: %w", ErrLeaseLost, err)
}

// detach returns a context that ctx's cancellation does not end, for the
// work that follows a commit and must finish although the caller gave up
// (moving current.json after a snapshot is in place), but that the lock's
// loss does end. cancel releases it.
func (l *HeldLock) detach(ctx context.Context) (_ context.Context, cancel func()) {
	d, stop := context.WithCancelCause(context.WithoutCancel(ctx))
	if l.confirm == nil {
		return d, func() { stop(nil) }
	}
	unwatch := context.AfterFunc(l.ctx, func() {
		if lost := l.Lost(); lost != nil {
			stop(lost)
		}
	})
	return d, func() { unwatch(); stop(nil) }
}

// Unlock releases the lock (a lease that was lost is left to its new
// holder).
func (l *HeldLock) Unlock() {
	l.released.Store(true)
	l.unlock()
}

// LostOr returns Lost's error once the lease is lost (the error a write
// cancelled by it returned says only "context canceled"), else err.
func (l *HeldLock) LostOr(err error) error {
	if err == nil {
		return nil
	}
	if lost := l.Lost(); lost != nil {
		return lost
	}
	return err
}

// stopped is the error a write under l returns: once l is known lost, an
// error that does not say so already (a request the loss cancelled says
// only "context canceled") becomes the loss, after what (the write that
// failed); otherwise err as it is.
func (l *HeldLock) stopped(err error, what string) error {
	if err == nil || errors.Is(err, ErrLeaseLost) {
		return err
	}
	if lost := l.Lost(); lost != nil {
		return fmt.Errorf("%s: %w", what, lost)
	}
	return err
}
