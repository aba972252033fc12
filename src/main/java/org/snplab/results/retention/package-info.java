/** Retention: logs and files of old jobs are deleted on a schedule; the records stay, marked expired. */
package org.snplab.results.retention;
