/** The hosts pages: probed facts, current jobs, the last 24 hours, history, and the admins' actions. */
package org.snplab.web.hosts;
