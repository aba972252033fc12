/** Only the agent protocol: DTO records and one {@link org.snplab.agent.api.AgentApi} method per call. */
package org.snplab.agent.api;
