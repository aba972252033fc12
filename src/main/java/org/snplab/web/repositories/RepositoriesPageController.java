package org.snplab.web.repositories;

import java.util.Optional;

import org.snplab.repositories.InvalidRepositoryException;
import org.snplab.repositories.RepositoryAdministration;
import org.snplab.repositories.RepositoryView;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The repositories list and the admins' add, edit and remove forms (admins only, see {@code SecurityConfiguration}).
 * A refused form is shown again with the reason next to its field; a saved one redirects to the list with a message.
 */
@Controller
class RepositoriesPageController {

	private static final String FORM = "repositories/form";

	private final RepositoryAdministration repositories;

	RepositoriesPageController(RepositoryAdministration repositories) {
		this.repositories = repositories;
	}

	@GetMapping("/repositories")
	String list(Model model) {
		model.addAttribute("repositories", repositories.all());
		return "repositories/list";
	}

	@GetMapping("/repositories/new")
	String initCreationForm(Model model) {
		model.addAttribute("form", new RepositoryForm());
		return FORM;
	}

	@PostMapping("/repositories/new")
	String processCreationForm(@ModelAttribute("form") RepositoryForm form, BindingResult result,
			RedirectAttributes redirect) {
		try {
			RepositoryView added = repositories.add(form.getName(), form.change());
			redirect.addFlashAttribute("flash", "Added " + added.name() + ".");
			return "redirect:/repositories";
		}
		catch (InvalidRepositoryException ex) {
			result.rejectValue(ex.field(), "invalid", ex.getMessage());
			return FORM;
		}
	}

	@GetMapping("/repositories/{owner}/{name}/edit")
	String initUpdateForm(@PathVariable String owner, @PathVariable String name, Model model) {
		RepositoryView repository = repositories.get(owner + "/" + name);
		model.addAttribute("repository", repository);
		model.addAttribute("form", RepositoryForm.of(repository));
		return FORM;
	}

	@PostMapping("/repositories/{owner}/{name}/edit")
	String processUpdateForm(@PathVariable String owner, @PathVariable String name,
			@ModelAttribute("form") RepositoryForm form, BindingResult result, Model model, RedirectAttributes redirect) {
		RepositoryView repository = repositories.get(owner + "/" + name);
		try {
			repositories.save(repository.name(), form.change());
			redirect.addFlashAttribute("flash", "Saved " + repository.name() + ".");
			return "redirect:/repositories";
		}
		catch (InvalidRepositoryException ex) {
			model.addAttribute("repository", repository);
			result.rejectValue(ex.field(), "invalid", ex.getMessage());
			return FORM;
		}
	}

	/** For a repository application.yml names too, this only removes the dashboard's override. */
	@PostMapping("/repositories/{owner}/{name}/delete")
	String delete(@PathVariable String owner, @PathVariable String name, RedirectAttributes redirect) {
		Optional<RepositoryView> configured = repositories.remove(owner + "/" + name);
		redirect.addFlashAttribute("flash", configured
			.map(r -> "Removed the dashboard override of " + r.name() + ": application.yml's settings apply again.")
			.orElse("Deleted " + owner + "/" + name + ": snplab no longer serves it."));
		return "redirect:/repositories";
	}
}
