/** Host fact probe: what an agent reports about its CPU, SEV-SNP state, firmware, kernel, QEMU and devices. */
package org.snplab.agent.probe;
