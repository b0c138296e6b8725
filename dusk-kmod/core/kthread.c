// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel threads whose thread function is a module function.
 *
 * kthread_run() stays a kernel call, so the thread is a real kernel thread
 * (task_struct, wake_up_process(), kthread_stop() all real); the function
 * it runs is the module function's proxy, a blocking upcall served by a
 * program thread, whose nested calls (kthread_should_stop(), msleep(),
 * schedule()) run in the kernel thread.  Such an upcall lives as long as
 * the thread does, so block_timeout_ms does not apply to it: it ends with
 * its REPLY or with the session (teardown wakes it with -ENOTCONN, which
 * the thread returns; kthread_stop() then returns that).
 */
#include <linux/kthread.h>
#include <linux/sched.h>
#include "dusk-core.h"

/**
 * dusk_upcall_is_thread() - is the running blocking upcall of @proxy the
 * body of the current kernel thread?
 * @proxy: index into dusk_gen.proxies.
 *
 * True when current is a kernel thread created with @proxy as its thread
 * function (kthread_create*() of the module function): not a workqueue
 * worker, nor a kthread_worker running a module's work.
 * Context: process (dusk_upcall_blocking()).
 */
bool dusk_upcall_is_thread(u32 proxy)
{
	if (!(current->flags & PF_KTHREAD) || (current->flags & PF_WQ_WORKER))
		return false;
	return kthread_func(current) == dusk_gen.proxies[proxy].addr;
}
