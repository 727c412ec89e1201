/**
 * n8n's binary data service for the harness. n8n-core's binary helpers (prepareBinaryData,
 * getBinaryStream, getBinaryDataBuffer...) all go through `Container.get(BinaryDataService)`.
 * The CLI builds and `init()`s that service at start-up; left to the container here, it would
 * be built from n8n's config and InstanceSettings (which writes ~/.n8n/config). So the harness
 * builds it itself:
 *
 * - 'memory' (n8n's fallback when no storage manager is set): files live base64 in the item.
 * - 'filesystem' (n8n's default in regular mode): files are streamed to a temporary folder and
 *   items carry only an id, as in a real n8n; the folder is removed on `close()`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';

import { Container } from '@n8n/di';
import { BinaryDataService, type BinaryDataConfig, type ErrorReporter } from 'n8n-core';
import type { IBinaryData } from 'n8n-workflow';
import { BINARY_ENCODING } from 'n8n-workflow';

export type BinaryDataMode = 'memory' | 'filesystem';

export interface BinaryDataHandle {
	mode: BinaryDataMode;
	service: BinaryDataService;
	/** The folder files are written to ('filesystem' only). */
	storagePath?: string;
	/** Stores a file as a previous node would have, for a test's input item. */
	store(data: Buffer | Readable, file: { fileName?: string; mimeType: string }): Promise<IBinaryData>;
	/** The bytes of a stored file. */
	read(binary: IBinaryData): Promise<Buffer>;
	/** Total bytes of the files under the storage folder ('filesystem' only). */
	bytesOnDisk(): number;
	/** Removes the storage folder; the container keeps the service until the next setUpBinaryData. */
	close(): Promise<void>;
}

const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };

let current: BinaryDataHandle | undefined;

function folderSize(folder: string): number {
	if (!fs.existsSync(folder)) return 0;
	let total = 0;
	for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
		const full = path.join(folder, entry.name);
		total += entry.isDirectory() ? folderSize(full) : fs.statSync(full).size;
	}
	return total;
}

/**
 * Puts a BinaryDataService of the given mode into n8n's DI container (replacing any earlier one)
 * and returns a handle to it. Call `close()` when the test file is done.
 */
export async function setUpBinaryData(mode: BinaryDataMode): Promise<BinaryDataHandle> {
	const storagePath = mode === 'filesystem' ? fs.mkdtempSync(path.join(os.tmpdir(), 'lamina-binary-')) : undefined;
	const config = {
		mode: mode === 'filesystem' ? 'filesystem' : 'default',
		availableModes: ['filesystem'],
		localStoragePath: storagePath ?? '',
		signingSecret: 'harness-signing-secret',
		dbMaxFileSize: 512,
	} as unknown as BinaryDataConfig;
	const service = new BinaryDataService(config, quiet as unknown as ErrorReporter, quiet as never);
	// init() registers the filesystem manager; without it the service keeps files in memory.
	if (mode === 'filesystem') await service.init();
	Container.set(BinaryDataService, service);

	const removeFolder = () => {
		if (storagePath) fs.rmSync(storagePath, { recursive: true, force: true });
	};
	// A crashed test run still leaves no folder behind.
	process.once('exit', removeFolder);

	const handle: BinaryDataHandle = {
		mode,
		service,
		storagePath,
		store: async (data, file) =>
			await service.store({ type: 'execution', workflowId: 'wf-test', executionId: 'test-input' }, data, {
				data: '',
				mimeType: file.mimeType,
				...(file.fileName ? { fileName: file.fileName, fileExtension: path.extname(file.fileName).slice(1) } : {}),
			}),
		read: async (binary) => (binary.id ? await service.getAsBuffer(binary) : Buffer.from(binary.data, BINARY_ENCODING)),
		bytesOnDisk: () => (storagePath ? folderSize(storagePath) : 0),
		close: async () => {
			process.removeListener('exit', removeFolder);
			removeFolder();
			if (current === handle) current = undefined;
		},
	};
	current = handle;
	return handle;
}

/** The service in use, or a memory-mode one when none was set up (never n8n's config-built one). */
export async function ensureBinaryData(): Promise<BinaryDataHandle> {
	return current ?? (await setUpBinaryData('memory'));
}
