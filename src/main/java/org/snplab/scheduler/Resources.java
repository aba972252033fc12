package org.snplab.scheduler;

/**
 * Memory and cpus: what a job needs, or what a host offers. A host whose capacity isn't known offers
 * {@link #UNLIMITED}: only its slot count limits it.
 */
public record Resources(long memoryMb, int cpus) {

	public static final Resources NONE = new Resources(0, 0);

	public static final Resources UNLIMITED = new Resources(Long.MAX_VALUE, Integer.MAX_VALUE);

	public Resources {
		if (memoryMb < 0 || cpus < 0) {
			throw new IllegalArgumentException("resources can't be negative: " + memoryMb + " MiB, " + cpus + " cpus");
		}
	}

	public boolean fitsIn(Resources free) {
		return memoryMb <= free.memoryMb && cpus <= free.cpus;
	}

	/** What is left of these once {@code used} is taken; an unlimited amount stays unlimited. */
	public Resources minus(Resources used) {
		return new Resources(memoryMb == Long.MAX_VALUE ? memoryMb : Math.max(0, memoryMb - used.memoryMb),
				cpus == Integer.MAX_VALUE ? cpus : Math.max(0, cpus - used.cpus));
	}

	public Resources plus(Resources more) {
		return new Resources(saturated(memoryMb + more.memoryMb), (int) Math.min(Integer.MAX_VALUE, (long) cpus + more.cpus));
	}

	/**
	 * The share of a host of this capacity that {@code job} takes, from 0 to 1: its larger share of memory or of
	 * cpus. Fair share counts use in host-seconds: a job holding half a host for an hour used half an hour of it.
	 */
	public double shareTakenBy(Resources job) {
		double memory = memoryMb == Long.MAX_VALUE || memoryMb == 0 ? 0 : (double) job.memoryMb / memoryMb;
		double cpu = cpus == Integer.MAX_VALUE || cpus == 0 ? 0 : (double) job.cpus / cpus;
		double share = Math.max(memory, cpu);
		// A job that declares nothing still holds one of the host's slots; count it as a whole host then.
		return share == 0 ? 1 : Math.min(1, share);
	}

	/** {@code 8 GiB, 4 cpus}, {@code 8 GiB} or {@code unlimited}, for waiting reasons. */
	@Override
	public String toString() {
		if (this.equals(UNLIMITED)) {
			return "unlimited";
		}
		String memory = memoryMb == Long.MAX_VALUE ? "unlimited memory" : Sizes.format(memoryMb);
		return cpus == Integer.MAX_VALUE || cpus == 0 ? memory : memory + ", " + cpus + " cpus";
	}

	private static long saturated(long sum) {
		return sum < 0 ? Long.MAX_VALUE : sum;
	}
}
