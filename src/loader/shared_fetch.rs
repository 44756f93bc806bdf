//! One fetch awaited by every widget that asked for the same bytes.
//!
//! `futures::future::Shared` does this for any executor and any thread (an `Arc`, a
//! `Mutex`, a slab of wakers, atomic notifications); a page has one thread, and those
//! parts measured about 1 KB (brotli) of the download. This is the single-threaded
//! version: whichever waiter polls first drives the fetch, the others register their
//! wakers, and everyone gets a clone of the result. A driver dropped before the end
//! (a widget unmounted mid-load) hands the fetch back, so another waiter drives it.

use core::cell::RefCell;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::rc::Rc;

use futures::future::LocalBoxFuture;

enum State<T> {
    /// Nobody is driving the fetch right now.
    Idle(LocalBoxFuture<'static, T>),
    /// A waiter is driving it; the others wait to be woken.
    Running(Vec<Waker>),
    /// Finished: every waiter gets a clone.
    Done(T),
}

/// A fetch several callers await; clone it to share it.
pub struct SharedFetch<T> {
    state: Rc<RefCell<State<T>>>,
}

impl<T> Clone for SharedFetch<T> {
    fn clone(&self) -> Self {
        SharedFetch {
            state: Rc::clone(&self.state),
        }
    }
}

impl<T: Clone> SharedFetch<T> {
    /// Shares `fetch`; it starts when first awaited.
    pub fn new(fetch: LocalBoxFuture<'static, T>) -> Self {
        SharedFetch {
            state: Rc::new(RefCell::new(State::Idle(fetch))),
        }
    }

    /// Waits for the result (driving the fetch when nobody else does).
    pub fn wait(&self) -> Waiting<T> {
        Waiting {
            state: Rc::clone(&self.state),
            driving: None,
        }
    }
}

/// The future [`SharedFetch::wait`] returns.
pub struct Waiting<T> {
    state: Rc<RefCell<State<T>>>,
    /// The fetch, while this waiter drives it.
    driving: Option<LocalBoxFuture<'static, T>>,
}

impl<T: Clone> Future for Waiting<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<T> {
        let this = &mut *self;
        if this.driving.is_none() {
            let mut state = this.state.borrow_mut();
            match &mut *state {
                State::Done(output) => return Poll::Ready(output.clone()),
                State::Running(wakers) => {
                    if !wakers.iter().any(|known| known.will_wake(context.waker())) {
                        wakers.push(context.waker().clone());
                    }
                    return Poll::Pending;
                }
                State::Idle(_) => {
                    let State::Idle(fetch) =
                        core::mem::replace(&mut *state, State::Running(Vec::new()))
                    else {
                        unreachable!("matched Idle above")
                    };
                    this.driving = Some(fetch);
                }
            }
        }
        let Some(fetch) = this.driving.as_mut() else {
            return Poll::Pending;
        };
        let Poll::Ready(output) = fetch.as_mut().poll(context) else {
            return Poll::Pending;
        };
        this.driving = None;
        let previous =
            core::mem::replace(&mut *this.state.borrow_mut(), State::Done(output.clone()));
        if let State::Running(wakers) = previous {
            wakers.into_iter().for_each(Waker::wake);
        }
        Poll::Ready(output)
    }
}

impl<T> Drop for Waiting<T> {
    fn drop(&mut self) {
        // Hand an unfinished fetch back and wake the others, so one of them drives it.
        if let Some(fetch) = self.driving.take() {
            let previous = core::mem::replace(&mut *self.state.borrow_mut(), State::Idle(fetch));
            if let State::Running(wakers) = previous {
                wakers.into_iter().for_each(Waker::wake);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SharedFetch;
    use core::cell::Cell;
    use futures::channel::oneshot;
    use futures::executor::block_on;
    use futures::future::{join, FutureExt};
    use std::rc::Rc;

    #[test]
    fn every_waiter_gets_the_one_result() {
        let runs = Rc::new(Cell::new(0));
        let (sender, receiver) = oneshot::channel::<u32>();
        let counted = Rc::clone(&runs);
        let fetch = SharedFetch::new(
            async move {
                counted.set(counted.get() + 1);
                receiver.await.unwrap()
            }
            .boxed_local(),
        );
        let finish = async move { sender.send(7).unwrap() };
        let ((first, second), ()) = block_on(join(join(fetch.wait(), fetch.wait()), finish));
        assert_eq!((first, second), (7, 7));
        assert_eq!(block_on(fetch.wait()), 7, "a late waiter gets it too");
        assert_eq!(runs.get(), 1);
    }

    #[test]
    fn a_driver_dropped_midway_hands_the_fetch_to_another_waiter() {
        let (sender, receiver) = oneshot::channel::<u32>();
        let fetch = SharedFetch::new(async move { receiver.await.unwrap() }.boxed_local());
        let mut abandoned = fetch.wait();
        assert!((&mut abandoned).now_or_never().is_none(), "still waiting");
        drop(abandoned);
        sender.send(3).unwrap();
        assert_eq!(block_on(fetch.wait()), 3);
    }
}
