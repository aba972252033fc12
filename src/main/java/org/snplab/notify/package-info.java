/**
 * Tells the lab's admins what happened (host quarantined, power cycle done or failed, host back in service, ...):
 * a durable outbox sent as a JSON POST that Slack, Mattermost and Matrix incoming webhooks accept.
 */
package org.snplab.notify;
