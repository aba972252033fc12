package org.snplab.web.overview;

import java.util.List;

import org.snplab.hosts.Host;
import org.snplab.queue.RunList;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The overview: queue per capability class, waiting and running jobs, hosts by state, recent runs. */
@Controller
class OverviewController {

	private final OverviewQueries queries;

	private final RunList runs;

	OverviewController(OverviewQueries queries, RunList runs) {
		this.queries = queries;
		this.runs = runs;
	}

	@GetMapping("/")
	String overview(Model model) {
		List<Host> hosts = queries.hosts();
		List<OverviewQueries.QueueClass> classes = queries.queue(hosts);
		model.addAttribute("classes", classes);
		model.addAttribute("waiting", queries.waiting(classes));
		model.addAttribute("running", queries.running());
		model.addAttribute("hostStates", queries.hostsByState(hosts));
		model.addAttribute("recentRuns", runs.recent(15));
		return "overview/overview";
	}
}
