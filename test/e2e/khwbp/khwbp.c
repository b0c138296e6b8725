// khwbp: a data breakpoint on the host name and a sampling CPU counter,
// each with a handler of the module's (samples/hw_breakpoint's kind), and a
// counter that only counts.  A breakpoint handler runs in the debug
// exception and an overflow handler in NMI, where a user build cannot
// answer: those registrations are refused; the counting one is served.
#include <linux/module.h>
#include <linux/perf_event.h>
#include <linux/hw_breakpoint.h>
#include <linux/utsname.h>

static struct perf_event * __percpu *wide_bp;
static struct perf_event *counter, *sampler;
static atomic_t hits;

static void bp_hit(struct perf_event *bp, struct perf_sample_data *data,
		   struct pt_regs *regs)
{
	atomic_inc(&hits);
}

static void overflow(struct perf_event *event, struct perf_sample_data *data,
		     struct pt_regs *regs)
{
	atomic_inc(&hits);
}

static int __init hwbp_init(void)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.size = sizeof(attr),
	};
	int err = 0, e;

	counter = perf_event_create_kernel_counter(&attr, 0, NULL, NULL, NULL);
	if (IS_ERR(counter)) {
		pr_err("khwbp: counter: %ld\n", PTR_ERR(counter));
		return PTR_ERR(counter);
	}
	pr_info("khwbp: counter without a handler: made\n");

	attr.sample_period = 1000000;
	sampler = perf_event_create_kernel_counter(&attr, 0, NULL, overflow, NULL);
	if (IS_ERR(sampler)) {
		err = PTR_ERR(sampler);
		pr_err("khwbp: sampler: %d\n", err);
		sampler = NULL;
	}

	hw_breakpoint_init(&attr);
	attr.bp_addr = (unsigned long)init_uts_ns.name.nodename;
	attr.bp_len = HW_BREAKPOINT_LEN_4;
	attr.bp_type = HW_BREAKPOINT_W;
	wide_bp = register_wide_hw_breakpoint(&attr, bp_hit, NULL);
	if (IS_ERR((void __force *)wide_bp)) {
		e = PTR_ERR((void __force *)wide_bp);
		pr_err("khwbp: breakpoint: %d\n", e);
		wide_bp = NULL;
		err = err ?: e;
	}
	if (err) {
		if (sampler)
			perf_event_release_kernel(sampler);
		if (wide_bp)
			unregister_wide_hw_breakpoint(wide_bp);
		perf_event_release_kernel(counter);
		return err;
	}
	pr_info("khwbp: watching the host name\n");
	return 0;
}

static void __exit hwbp_exit(void)
{
	unregister_wide_hw_breakpoint(wide_bp);
	perf_event_release_kernel(sampler);
	perf_event_release_kernel(counter);
	pr_info("khwbp: %d hits\n", atomic_read(&hits) > 0);
}
module_init(hwbp_init);
module_exit(hwbp_exit);
MODULE_LICENSE("GPL");
