package org.snplab.web.repositories;

import java.util.Arrays;
import java.util.List;

import org.snplab.repositories.RepositoryChange;
import org.snplab.repositories.RepositoryView;

/**
 * The add and edit form's fields, named as the JSON API names them so a refusal lands next to its field. An empty
 * field means "the default" (for the secret and token: "keep the current one"); lists are typed comma- or
 * space-separated. Only turning text into a {@link RepositoryChange} happens here: the rules are
 * {@code RepositoryAdministration}'s.
 */
class RepositoryForm {

	private String name;

	private String cloneUrl;

	private String webhookSecret;

	private String token;

	private String protectedBranches;

	private String trustedUsers;

	private String approveLabel;

	private boolean reapproveOnPush = true;

	/** The form for editing that repository; secret and token fields stay empty, they are never sent to a browser. */
	static RepositoryForm of(RepositoryView repository) {
		RepositoryForm form = new RepositoryForm();
		form.name = repository.name();
		form.cloneUrl = repository.cloneUrl();
		form.protectedBranches = String.join(", ", repository.protectedBranches());
		form.trustedUsers = String.join(", ", repository.trustedUsers());
		form.approveLabel = repository.approveLabel();
		form.reapproveOnPush = repository.reapproveOnPush();
		return form;
	}

	RepositoryChange change() {
		return new RepositoryChange(null, orNull(cloneUrl), orNull(webhookSecret), orNull(token), list(protectedBranches),
				list(trustedUsers), orNull(approveLabel), reapproveOnPush);
	}

	private static String orNull(String text) {
		return text == null || text.isBlank() ? null : text;
	}

	private static List<String> list(String text) {
		return text == null ? List.of() : Arrays.stream(text.split("[,\\s]+")).filter(s -> !s.isEmpty()).toList();
	}

	public String getName() {
		return name;
	}

	public void setName(String name) {
		this.name = name == null ? null : name.strip();
	}

	public String getCloneUrl() {
		return cloneUrl;
	}

	public void setCloneUrl(String cloneUrl) {
		this.cloneUrl = cloneUrl;
	}

	public String getWebhookSecret() {
		return webhookSecret;
	}

	public void setWebhookSecret(String webhookSecret) {
		this.webhookSecret = webhookSecret;
	}

	public String getToken() {
		return token;
	}

	public void setToken(String token) {
		this.token = token;
	}

	public String getProtectedBranches() {
		return protectedBranches;
	}

	public void setProtectedBranches(String protectedBranches) {
		this.protectedBranches = protectedBranches;
	}

	public String getTrustedUsers() {
		return trustedUsers;
	}

	public void setTrustedUsers(String trustedUsers) {
		this.trustedUsers = trustedUsers;
	}

	public String getApproveLabel() {
		return approveLabel;
	}

	public void setApproveLabel(String approveLabel) {
		this.approveLabel = approveLabel;
	}

	public boolean isReapproveOnPush() {
		return reapproveOnPush;
	}

	public void setReapproveOnPush(boolean reapproveOnPush) {
		this.reapproveOnPush = reapproveOnPush;
	}
}
