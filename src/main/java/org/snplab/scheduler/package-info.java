/** Decides which queued job runs on which host: capacity, priority classes and fair share, as pure functions. */
package org.snplab.scheduler;
