package org.snplab.web;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Debian Chromium through its own chromedriver. Both paths are explicit so Selenium Manager never tries
 * to download a browser or driver.
 */
final class BrowserSession {

	private BrowserSession() {
	}

	static ChromeDriver start() throws IOException {
		Path profile = Files.createTempDirectory("snplab-chromium");
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(new File("/usr/bin/chromedriver"))
			.usingAnyFreePort()
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary("/usr/bin/chromium");
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
				"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--window-size=1400,1000", "--user-data-dir=" + profile);
		return new ChromeDriver(service, options);
	}

	static void screenshot(ChromeDriver driver, String name) throws IOException {
		Path dir = Files.createDirectories(Path.of("target/screenshots"));
		File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
		Files.copy(shot.toPath(), dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
	}
}
