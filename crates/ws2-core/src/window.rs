//! Windows and message queues (RegisterClass, CreateWindowEx, PostMessage, GetMessage, ...).
//! Skeleton: the window subsystem is filled in separately.

/// A thread's message queue.
#[derive(Debug, Default)]
pub struct MessageQueue {}

/// A window.
#[derive(Debug)]
pub struct Window {}
