// kpending: the module reads the state the kernel keeps in its own
// objects: work_pending() in a work function and delayed_work_pending()
// after the last of three self-re-arming runs, timer_pending() in a timer's
// function and after its last fire.
#include <linux/module.h>
#include <linux/workqueue.h>
#include <linux/timer.h>
#include <linux/delay.h>

static struct delayed_work dw;
static int dw_runs, dw_pending_inside;

static struct ticker {
	int id;
	struct timer_list timer;
	int fires, pending_inside;
} tick = { .id = 7 };

static void dw_fn(struct work_struct *w)
{
	struct delayed_work *d = to_delayed_work(w);

	dw_pending_inside += work_pending(w);
	if (++dw_runs < 3)
		schedule_delayed_work(d, msecs_to_jiffies(20));
}

static void tick_fn(struct timer_list *t)
{
	struct ticker *k = from_timer(k, t, timer);

	k->pending_inside += timer_pending(t);
	if (++k->fires < 3)
		mod_timer(t, jiffies + msecs_to_jiffies(20));
}

static int __init kpending_init(void)
{
	INIT_DELAYED_WORK(&dw, dw_fn);
	timer_setup(&tick.timer, tick_fn, 0);
	schedule_delayed_work(&dw, msecs_to_jiffies(200));
	mod_timer(&tick.timer, jiffies + msecs_to_jiffies(200));
	pr_info("kpending: queued %d %d\n", delayed_work_pending(&dw), timer_pending(&tick.timer));
	msleep(800);
	pr_info("kpending: work runs %d pending %d inside %d\n", dw_runs,
		delayed_work_pending(&dw), dw_pending_inside);
	pr_info("kpending: timer %d fires %d pending %d inside %d\n", tick.id, tick.fires,
		timer_pending(&tick.timer), tick.pending_inside);
	return 0;
}

static void __exit kpending_exit(void)
{
	cancel_delayed_work_sync(&dw);
	del_timer_sync(&tick.timer);
	pr_info("kpending: bye %d %d\n", dw_runs, tick.fires);
}
module_init(kpending_init);
module_exit(kpending_exit);
MODULE_LICENSE("GPL");
