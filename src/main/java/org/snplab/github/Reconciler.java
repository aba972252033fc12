package org.snplab.github;

import java.io.IOException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.repositories.Repositories;
import org.snplab.repositories.Repository;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import static org.snplab.github.Payloads.number;
import static org.snplab.github.Payloads.text;

/**
 * Catches webhooks GitHub never delivered (we were down, GitHub gave up): lists each repository's branches and
 * open pull requests and starts a run for every head we never handled, by the same rules as the events.
 */
@Component
class Reconciler {

	private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

	private final Repositories repositories;

	private final GithubApi api;

	private final GithubRuns githubRuns;

	private final RunStarter starter;

	private final TransactionTemplate transactions;

	Reconciler(Repositories repositories, GithubApi api, GithubRuns githubRuns, RunStarter starter,
			TransactionTemplate transactions) {
		this.repositories = repositories;
		this.api = api;
		this.githubRuns = githubRuns;
		this.starter = starter;
		this.transactions = transactions;
	}

	/** @return how many heads were new to us */
	int reconcile() {
		int started = 0;
		for (Repository repository : repositories.all()) {
			try {
				for (JsonNode branch : api.branches(repository)) {
					String sha = text(branch, "commit", "sha");
					String name = text(branch, "name");
					if (sha != null && name != null) {
						started += start(Head.branchPush(repository, "reconcile", sha, name, null));
					}
				}
				for (JsonNode pull : api.openPulls(repository)) {
					Integer number = number(pull, "number");
					if (number != null && text(pull, "head", "sha") != null) {
						started += start(WebhookEvents.head(repository, "reconcile", pull, number));
					}
				}
			}
			catch (IOException | RuntimeException ex) {
				log.warn("Reconciling {} with GitHub failed; next pass retries: {}", repository.name(), ex.getMessage());
			}
		}
		return started;
	}

	private int start(Head head) {
		if (githubRuns.seen(head.repository().name(), head.sha())) {
			return 0;
		}
		String outcome = transactions.execute(tx -> starter.start(head));
		log.info("Reconciler found {} of {} ({}) unhandled: {}", head.sha(), head.repository().name(), head.ref(), outcome);
		return 1;
	}
}
