/** The agent's work: one poll loop per slot, running a job from checkout to finish, streaming its log. */
package org.snplab.agent.worker;
