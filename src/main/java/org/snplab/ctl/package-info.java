/**
 * The operators' command line, {@code java -jar snplab.jar ctl}: hosts, the queue, runs, logs and the usual actions
 * through the server's JSON API with an API token. No Spring context: it starts in a fraction of a second.
 */
package org.snplab.ctl;
