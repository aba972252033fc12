package org.snplab.agent.worker;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

import org.snplab.protocol.AgentProtocol.Job;

/** Where a job runs: WORK_DIR/slot-S/job-ID-ATTEMPT, its output beside it so no glob can upload it. */
final class Workspaces {

	private Workspaces() {
	}

	static Path logFile(Path workDir, int slot, Job job) {
		return slotDir(workDir, slot).resolve("job-" + job.jobId() + "-" + job.attempt() + ".log");
	}

	/** A new empty workspace; the slot's earlier workspaces and logs are deleted first (disks are small). */
	static Path fresh(Path workDir, int slot, Job job) throws IOException {
		Path slotDir = slotDir(workDir, slot);
		Files.createDirectories(slotDir);
		try (Stream<Path> old = Files.list(slotDir)) {
			for (Path path : old.toList()) {
				deleteTree(path);
			}
		}
		Path workspace = slotDir.resolve("job-" + job.jobId() + "-" + job.attempt());
		Files.createDirectories(workspace);
		return workspace;
	}

	private static Path slotDir(Path workDir, int slot) {
		return workDir.resolve("slot-" + slot);
	}

	/** Deletes without following symlinks; a step may have left read-only directories behind. */
	private static void deleteTree(Path root) throws IOException {
		Files.walkFileTree(root, new SimpleFileVisitor<>() {
			@Override
			public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
				dir.toFile().setWritable(true, true);
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
				Files.delete(file);
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
				Files.delete(dir);
				return FileVisitResult.CONTINUE;
			}
		});
	}
}
