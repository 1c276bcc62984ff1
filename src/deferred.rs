//! A value made on a thread of its own while the caller goes on, and waited for where it
//! is first needed: the build cache's converted Markdown, read while the site's files are
//! (each mostly waits on the other's serial parts). Work that can be shared may be given a
//! way to help with it, which whoever waits runs first when the value is not yet made.

use std::sync::{Mutex, OnceLock, PoisonError};
use std::thread::JoinHandle;

pub(crate) struct Deferred<T> {
    thread: Mutex<Option<JoinHandle<T>>>,
    /// Run by the first to wait, while the thread is still at work, to speed it.
    help: Option<Box<dyn Fn() + Send + Sync>>,
    value: OnceLock<T>,
}

impl<T: Default + Send + 'static> Deferred<T> {
    /// Starts making the value with `make` on a thread named `name`. Where no thread can
    /// start, the value is `T::default()`, which callers take as nothing made.
    pub(crate) fn spawn(name: &str, make: impl FnOnce() -> T + Send + 'static) -> Deferred<T> {
        let thread = std::thread::Builder::new().name(name.to_owned()).spawn(make).ok();
        Deferred {
            thread: Mutex::new(thread),
            help: None,
            value: OnceLock::new(),
        }
    }

    /// As [`Deferred::spawn`], with `help` run by the first caller of [`Deferred::get`]
    /// that finds the value still being made, before it waits.
    pub(crate) fn spawn_helped(
        name: &str,
        make: impl FnOnce() -> T + Send + 'static,
        help: impl Fn() + Send + Sync + 'static,
    ) -> Deferred<T> {
        let mut deferred = Deferred::spawn(name, make);
        deferred.help = Some(Box::new(help));
        deferred
    }

    /// The value, waited for (after helping make it, if there is a way to) if it is still
    /// being made. A panic on its thread goes on here, as if the value had been made on
    /// this one.
    pub(crate) fn get(&self) -> &T {
        self.value.get_or_init(|| {
            let thread = self.thread.lock().unwrap_or_else(PoisonError::into_inner).take();
            match thread {
                Some(thread) => {
                    if let (false, Some(help)) = (thread.is_finished(), &self.help) {
                        help();
                    }
                    thread
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                }
                None => T::default(),
            }
        })
    }

    /// The value, waited for if it is still being made.
    pub(crate) fn into_inner(mut self) -> T {
        self.get();
        self.value.take().unwrap_or_default()
    }
}

impl<T> Drop for Deferred<T> {
    /// Waits for the thread, so that none outlives what started it (a build that failed
    /// before it needed the value).
    fn drop(&mut self) {
        let thread = self
            .thread
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(thread) = thread {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Deferred;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::thread::JoinHandle;

    #[test]
    fn the_value_is_made_once_on_its_thread_and_waited_for() {
        let deferred = Deferred::spawn("test", || {
            std::thread::sleep(std::time::Duration::from_millis(20));
            (std::thread::current().name().map(str::to_owned), vec![1, 2, 3])
        });
        let (name, value) = deferred.get();
        assert_eq!(name.as_deref(), Some("test"));
        assert_eq!(value, &[1, 2, 3]);
        // The same value, not made again.
        assert!(std::ptr::eq(deferred.get(), deferred.get()));
        assert_eq!(deferred.into_inner().1, vec![1, 2, 3]);
    }

    #[test]
    fn help_is_given_only_while_the_value_is_being_made() {
        use std::sync::atomic::AtomicUsize;
        // Work shared by the thread and its helper: each takes items until none is left.
        let work = |left: &AtomicUsize, done: &AtomicUsize| {
            while left
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok()
            {
                std::thread::sleep(std::time::Duration::from_millis(2));
                done.fetch_add(1, Ordering::SeqCst);
            }
        };
        let (left, helped) = (Arc::new(AtomicUsize::new(100)), Arc::new(AtomicUsize::new(0)));
        let (l, h) = (Arc::clone(&left), Arc::clone(&helped));
        let by_thread = Arc::new(AtomicUsize::new(0));
        let t = Arc::clone(&by_thread);
        let deferred = Deferred::spawn_helped(
            "helped",
            move || {
                work(&left, &t);
                t.load(Ordering::SeqCst)
            },
            move || work(&l, &h),
        );
        let made = *deferred.get();
        assert_eq!(made + helped.load(Ordering::SeqCst), 100);
        assert!(helped.load(Ordering::SeqCst) > 0, "the caller helped");
        // A value already made is not helped with.
        let called = Arc::new(AtomicBool::new(false));
        let c = Arc::clone(&called);
        let deferred = Deferred::spawn_helped("made", || 1, move || c.store(true, Ordering::SeqCst));
        let finished = || {
            let thread = deferred.thread.lock().unwrap();
            thread.as_ref().is_some_and(JoinHandle::is_finished)
        };
        while !finished() {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert_eq!(*deferred.get(), 1);
        assert!(!called.load(Ordering::SeqCst));
    }

    #[test]
    fn a_value_never_asked_for_is_waited_for_when_dropped() {
        let done = Arc::new(AtomicBool::new(false));
        let theirs = done.clone();
        let deferred = Deferred::spawn("test", move || {
            std::thread::sleep(std::time::Duration::from_millis(20));
            theirs.store(true, Ordering::SeqCst);
            Some(1)
        });
        drop(deferred);
        assert!(done.load(Ordering::SeqCst));
    }

    #[test]
    fn a_panic_on_the_thread_goes_on_where_the_value_is_asked_for() {
        let deferred: Deferred<Option<u8>> = Deferred::spawn("test", || panic!("made badly"));
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| *deferred.get()));
        assert!(caught.is_err());
    }
}
