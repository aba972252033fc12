/** What jobs leave behind: their logs, artifacts and test reports. */
package org.snplab.results;
