/** The host agent: registers with the server, polls for jobs per slot and runs them under process groups. */
package org.snplab.agent;
