package org.snplab.power;

/** A BMC, Redfish service or power command that failed or answered what snplab can't read; the message is its answer. */
class PowerFailure extends Exception {

	PowerFailure(String answer) {
		super(answer, null, false, false);
	}
}
