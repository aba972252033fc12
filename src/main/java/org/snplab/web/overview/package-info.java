/** The overview page: the queue per capability class with positions and estimates, running jobs, hosts, recent runs. */
package org.snplab.web.overview;
