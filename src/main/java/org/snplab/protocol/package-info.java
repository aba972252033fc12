/**
 * The agent protocol's bodies, defined once: the server's agent endpoints read and answer them, the agent sends and
 * reads them. Records only, no behaviour and no dependencies, so both sides can share them.
 */
package org.snplab.protocol;
