// kpmu: a PMU of the module's own (an uncore counter block's driver).
// The perf core calls a PMU's add(), del(), start(), stop() and read()
// with interrupts off (in the IPI that installs an event on its CPU, at
// every context switch of a task's events): a user build cannot answer
// them, so its registration is refused; the kernel build's succeeds.
#include <linux/module.h>
#include <linux/perf_event.h>

static int kpmu_event_init(struct perf_event *ev)
{
	return ev->attr.type == ev->pmu->type ? 0 : -ENOENT;
}

static int kpmu_add(struct perf_event *ev, int flags)
{
	ev->hw.state = 0;
	return 0;
}

static void kpmu_del(struct perf_event *ev, int flags) { }
static void kpmu_start(struct perf_event *ev, int flags) { ev->hw.state = 0; }
static void kpmu_stop(struct perf_event *ev, int flags) { ev->hw.state = PERF_HES_STOPPED; }
static void kpmu_read(struct perf_event *ev) { local64_inc(&ev->count); }

static struct pmu kpmu_pmu = {
	.task_ctx_nr = perf_invalid_context,
	.module = THIS_MODULE,
	.event_init = kpmu_event_init,
	.add = kpmu_add,
	.del = kpmu_del,
	.start = kpmu_start,
	.stop = kpmu_stop,
	.read = kpmu_read,
	.capabilities = PERF_PMU_CAP_NO_EXCLUDE,
};

static int __init kpmu_init(void)
{
	int err = perf_pmu_register(&kpmu_pmu, "kpmu", -1);

	pr_info("kpmu: pmu: %d\n", err);
	return err;
}

static void __exit kpmu_exit(void)
{
	perf_pmu_unregister(&kpmu_pmu);
}

module_init(kpmu_init);
module_exit(kpmu_exit);
MODULE_LICENSE("GPL");
