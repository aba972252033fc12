/** The lab's machines: registration of agents, their probed facts and labels, and what admins do to them. */
package org.snplab.hosts;
