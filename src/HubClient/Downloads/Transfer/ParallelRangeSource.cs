using System.Buffers;
using System.IO.Hashing;
using System.Runtime.ExceptionServices;
using Microsoft.Win32.SafeHandles;

namespace HubClient;

/// <summary>
/// Downloads a large blob as concurrent <c>Range</c> requests written at their offsets into one preallocated partial file,
/// with durable resume and a verified result.
/// <list type="bullet">
/// <item>The file is split into <see cref="TransferOptions.ChunkSize"/> chunks fetched by up to
/// <see cref="TransferOptions.MaxConnections"/> connections. A first request goes alone: its answer shows whether the
/// server serves ranges (otherwise <see cref="RangeNotSupportedException"/>: the caller uses one stream) and gives the
/// validator every other range then carries as <c>If-Match</c>.</item>
/// <item>Each completed chunk is recorded with its XxHash3 in the sidecar (<see cref="ChunkStateFile"/>), and so are the
/// first bytes of the chunks in flight when the download stops (cancelled, or failed). A later run re-checksums what is
/// recorded and fetches only what is missing or damaged.</item>
/// <item>The SHA-256 (or git SHA-1) of the whole file is computed in file order while chunks land
/// (<see cref="OrderedChunkHasher"/>) and checked before returning; on a mismatch <see cref="HubIntegrityException"/>
/// (after one fresh retry when chunks came from an earlier run).</item>
/// <item>Memory: one <see cref="TransferOptions.BufferSize"/> buffer per connection and one for hashing, from the array
/// pool; connections do not run more than two chunks each ahead of the hashed prefix.</item>
/// </list>
/// </summary>
internal sealed class ParallelRangeSource
{
    /// <summary>
    /// How many chunks connections may run ahead of the hashed prefix, per connection. When hashing is the bottleneck (a
    /// fast link and few cores) waiting connections leave the CPU to the hashing pass, the tail to hash after the last
    /// byte stays short, and the read-back stays in the page cache.
    /// </summary>
    private const int HashWindowChunksPerConnection = 2;

    private readonly HubHttp _http;
    private readonly HttpRangeReader _reader;

    public ParallelRangeSource(HubHttp http, HttpRangeReader reader)
    {
        _http = http;
        _reader = reader;
    }

    /// <summary>
    /// Fills <paramref name="dataPath"/> with the verified blob. With a <paramref name="statePath"/> the download is
    /// resumable: an existing partial and sidecar for the same etag are continued and the sidecar is kept up to date; the
    /// caller deletes both once the blob is published (or the file changed). Without one, nothing is remembered.
    /// </summary>
    /// <exception cref="PartialInUseException">Another writer holds <paramref name="dataPath"/>.</exception>
    /// <exception cref="RangeNotSupportedException">The server does not serve ranges of this file.</exception>
    /// <exception cref="HubFileChangedException">The file changed on the server mid-download.</exception>
    /// <exception cref="HubIntegrityException">The bytes did not hash to the etag.</exception>
    public async Task DownloadAsync(TransferRequest request, string dataPath, string? statePath, CancellationToken cancellationToken)
    {
        TransferOptions options = _http.Options.Transfer;
        ChecksumWarmup.EnsureStarted();
        var plan = new ChunkPlan(request.Size, options.ChunkSize);
        using ChunkStateFile? stateFile = statePath is null ? null : new ChunkStateFile(statePath);
        ChunkState? state = stateFile?.TryLoad(request.Etag, plan);

        SafeFileHandle? file = state is null ? null : PartialFile.TryOpenExisting(dataPath, request.Size);
        if (file is null)
        {
            state = null;
            stateFile?.Delete();
            file = PartialFile.CreatePreallocated(dataPath, request.Size);
        }
        using (file)
        {
            bool resumed = state is not null && state.HasAnyBytes;
            state ??= new ChunkState(request.Etag, plan);
            try
            {
                await AttemptAsync(request, file, state, stateFile, resumed, cancellationToken).ConfigureAwait(false);
            }
            catch (HubIntegrityException) when (resumed)
            {
                // Every chunk matched its checksum, yet the whole file did not match its hash: bytes from an earlier run
                // were wrong before they were checksummed. Start over once, from nothing.
                state.Clear();
                RandomAccess.SetLength(file, 0);
                RandomAccess.SetLength(file, request.Size);
                if (stateFile is not null) await stateFile.SaveAsync(state, cancellationToken).ConfigureAwait(false);
                await AttemptAsync(request, file, state, stateFile, resumed: false, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One attempt: validate what an earlier run left, fetch the missing chunks, check the whole file's hash.</summary>
    private async Task AttemptAsync(
        TransferRequest request, SafeFileHandle file, ChunkState state, ChunkStateFile? stateFile, bool resumed, CancellationToken cancellationToken)
    {
        TransferOptions options = _http.Options.Transfer;
        ChunkPlan plan = state.Plan;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var hasher = new OrderedChunkHasher(file, plan, request.Etag, options.BufferSize, stop.Token);
        try
        {
            await RunAsync(request, file, state, stateFile, resumed, hasher, stop, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The hashing pass may still be reading when a connection failed: stop it before its hash state goes away.
            await stop.CancelAsync().ConfigureAwait(false);
            await hasher.DrainAsync().ConfigureAwait(false);
            hasher.Dispose();
        }
    }

    private async Task RunAsync(
        TransferRequest request, SafeFileHandle file, ChunkState state, ChunkStateFile? stateFile, bool resumed,
        OrderedChunkHasher hasher, CancellationTokenSource stop, CancellationToken cancellationToken)
    {
        TransferOptions options = _http.Options.Transfer;
        ChunkPlan plan = state.Plan;

        var partialChecksums = new Dictionary<int, XxHash3>();
        if (resumed && await ResumedChunkValidator.ValidateAsync(file, state, hasher, options.BufferSize, partialChecksums, cancellationToken).ConfigureAwait(false) > 0)
        {
            if (stateFile is not null) await stateFile.SaveAsync(state, cancellationToken).ConfigureAwait(false);
        }

        int[] pending = Enumerable.Range(0, plan.Count).Where(i => !state.IsComplete(i)).ToArray();
        var progress = new ByteProgress(request.RepoPath, request.Size, request.Progress);
        progress.Reset(state.BytesRecorded);

        if (pending.Length > 0)
        {
            using var location = new SharedLocation(request.Location, request.RefreshLocation);
            var fetcher = new ChunkFetcher(_reader, request, file, location, new RangeValidator(state), progress);
            var run = new WorkerRun(pending, plan, fetcher, hasher, state, stateFile, partialChecksums, options, stop);
            await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }

        string? actual = await hasher.FinishAsync(cancellationToken).ConfigureAwait(false);
        if (actual is not null && actual != request.Etag)
        {
            throw new HubIntegrityException(
                $"'{request.RepoPath}' failed its {hasher.Algorithm} check: expected {request.Etag}, got {actual}. The bytes were discarded.",
                request.RepoPath, request.Etag, actual);
        }
    }

    /// <summary>The connections of one attempt: they claim pending chunks in file order until none is left or one fails.</summary>
    private sealed class WorkerRun
    {
        private readonly int[] _pending;
        private readonly ChunkPlan _plan;
        private readonly ChunkFetcher _fetcher;
        private readonly OrderedChunkHasher _hasher;
        private readonly ChunkState _state;
        private readonly ChunkStateFile? _stateFile;
        private readonly Dictionary<int, XxHash3> _partialChecksums;
        private readonly TransferOptions _options;
        private readonly CancellationTokenSource _stop;
        private readonly int _window;
        private int _claimed = -1;
        private Exception? _failure;

        public WorkerRun(int[] pending, ChunkPlan plan, ChunkFetcher fetcher, OrderedChunkHasher hasher, ChunkState state,
            ChunkStateFile? stateFile, Dictionary<int, XxHash3> partialChecksums, TransferOptions options, CancellationTokenSource stop)
        {
            _partialChecksums = partialChecksums;
            _pending = pending;
            _plan = plan;
            _fetcher = fetcher;
            _hasher = hasher;
            _state = state;
            _stateFile = stateFile;
            _options = options;
            _stop = stop;
            _window = HashWindowChunksPerConnection * options.MaxConnections;
        }

        public async Task ExecuteAsync(CancellationToken cancellationToken)
        {
            int connections = Math.Min(_options.MaxConnections, _pending.Length);
            var workers = new List<Task>(connections) { WorkAsync() };
            // The first range goes alone: it proves the server serves ranges and sets the validator the others send.
            await Task.WhenAny(_fetcher.RangesServed, workers[0]).ConfigureAwait(false);
            if (_fetcher.RangesServed.IsCompletedSuccessfully)
            {
                for (int i = 1; i < connections; i++) workers.Add(WorkAsync());
            }
            try
            {
                await Task.WhenAll(workers).ConfigureAwait(false);
            }
            catch (Exception) when (Volatile.Read(ref _failure) is not null || cancellationToken.IsCancellationRequested)
            {
                // Reported below: the caller's cancellation first, else the failure that stopped the other connections.
            }
            cancellationToken.ThrowIfCancellationRequested();
            if (Volatile.Read(ref _failure) is { } failure) ExceptionDispatchInfo.Capture(failure).Throw();
        }

        private async Task WorkAsync()
        {
            await Task.Yield();
            CancellationToken token = _stop.Token;
            byte[] buffer = ArrayPool<byte>.Shared.Rent(_options.BufferSize);
            try
            {
                int slot;
                while ((slot = Interlocked.Increment(ref _claimed)) < _pending.Length)
                {
                    FileChunk chunk = _plan[_pending[slot]];
                    await _hasher.WaitForWindowAsync(chunk.Index, _window, token).ConfigureAwait(false);
                    ChunkSink sink = _fetcher.CreateSink(chunk, _partialChecksums.TryGetValue(chunk.Index, out XxHash3? resumed)
                        ? (resumed, _state.Partial(chunk.Index)!.Value.Length) : null);
                    try
                    {
                        await _fetcher.FetchAsync(sink, chunk, buffer, token).ConfigureAwait(false);
                    }
                    catch (Exception) when (sink.Position > sink.Start && _stateFile is not null)
                    {
                        await RememberPartialAsync(chunk, sink).ConfigureAwait(false);
                        throw;
                    }
                    ulong checksum = sink.Checksum;
                    _state.MarkComplete(chunk.Index, checksum);
                    _hasher.MarkComplete(chunk.Index);
                    // Not cancellable: a chunk that landed is worth remembering even when the download is being stopped.
                    if (_stateFile is not null) await _stateFile.SaveAsync(_state, CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
            {
                Interlocked.CompareExchange(ref _failure, e, null);
                await _stop.CancelAsync().ConfigureAwait(false);
                throw;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        /// <summary>
        /// Records the bytes a stopped chunk wrote (every one of them is in the file: writes are never cancelled), so that the
        /// next run fetches only the rest. Best effort: a sidecar that cannot be written costs that chunk's bytes, nothing else.
        /// </summary>
        private async Task RememberPartialAsync(FileChunk chunk, ChunkSink sink)
        {
            _state.MarkPartial(chunk.Index, sink.Position - chunk.Offset, sink.Checksum);
            try
            {
                await _stateFile!.SaveAsync(_state, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is LocalWriteException or IOException or UnauthorizedAccessException)
            {
                // The stop's own reason is what the caller must see.
            }
        }
    }

    /// <summary>Fetches single chunks of one file through the reader, all on one location and validator.</summary>
    private sealed class ChunkFetcher
    {
        private readonly HttpRangeReader _reader;
        private readonly TransferRequest _request;
        private readonly SafeFileHandle _file;
        private readonly SharedLocation _location;
        private readonly RangeValidator _validator;
        private readonly ByteProgress _progress;
        private readonly TaskCompletionSource _rangesServed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ChunkFetcher(HttpRangeReader reader, TransferRequest request, SafeFileHandle file, SharedLocation location, RangeValidator validator, ByteProgress progress)
        {
            _reader = reader;
            _request = request;
            _file = file;
            _location = location;
            _validator = validator;
            _progress = progress;
        }

        /// <summary>Completes when the first 206 answer arrived: the server serves ranges, and the validator is known.</summary>
        public Task RangesServed => _rangesServed.Task;

        /// <summary>The sink of <paramref name="chunk"/>, continuing after its first bytes when <paramref name="resumed"/> says some are on disk.</summary>
        public ChunkSink CreateSink(FileChunk chunk, (XxHash3 Checksum, long Length)? resumed) =>
            new(_file, chunk, _request.RepoPath, _progress, resumed);

        /// <summary>Downloads the rest of <paramref name="chunk"/> into the file through <paramref name="sink"/>.</summary>
        public Task FetchAsync(ChunkSink sink, FileChunk chunk, byte[] buffer, CancellationToken cancellationToken)
        {
            var read = new RangeReadRequest(_request.RepoPath, _request.Size, chunk.End, _location, RangeMode.Strict, _validator,
                () => _rangesServed.TrySetResult());
            return _reader.ReadAsync(read, sink, buffer, cancellationToken);
        }
    }
}
