/** Owns a step's process group: start under setsid, signal the whole group. */
package org.snplab.agent.process;
