// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.IO.MemoryMappedFiles;

namespace IdentityServer.Dcr.Fuzzing;

/// <summary>
/// Keeps the running input in a memory-mapped file, so that an input that kills the process (a stack overflow cannot
/// be caught) is known at the next start. A memory copy per input, no system call.
/// </summary>
internal sealed unsafe class InflightRecorder : IDisposable
{
    private const int HeaderSize = 8;

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _pointer;
    private readonly int _capacity;

    public InflightRecorder(string path, int capacity)
    {
        _capacity = capacity;
        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        using (var stream = new FileStream(fullPath, FileMode.OpenOrCreate, FileAccess.ReadWrite))
        {
            if (stream.Length < HeaderSize + capacity)
            {
                stream.SetLength(HeaderSize + capacity);
            }
        }

        _file = MemoryMappedFile.CreateFromFile(fullPath, FileMode.Open, null, HeaderSize + capacity, MemoryMappedFileAccess.ReadWrite);
        _view = _file.CreateViewAccessor(0, HeaderSize + capacity);
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _pointer = pointer + _view.PointerOffset;
    }

    /// <summary>Takes the input a previous run died on, if any.</summary>
    /// <param name="input">The input.</param>
    /// <returns>Whether a previous run died while running an input.</returns>
    public bool TryTakeCrashed(out byte[] input)
    {
        var running = *(int*)_pointer;
        var length = *(int*)(_pointer + 4);
        input = running == 1 && length >= 0 && length <= _capacity ? new ReadOnlySpan<byte>(_pointer + HeaderSize, length).ToArray() : [];
        *(int*)_pointer = 0;
        return running == 1;
    }

    /// <summary>Records the input about to run.</summary>
    /// <param name="input">The input.</param>
    public void Begin(ReadOnlySpan<byte> input)
    {
        var length = Math.Min(input.Length, _capacity);
        input[..length].CopyTo(new Span<byte>(_pointer + HeaderSize, _capacity));
        *(int*)(_pointer + 4) = length;
        *(int*)_pointer = 1;
    }

    /// <summary>Records that the input returned.</summary>
    public void End() => *(int*)_pointer = 0;

    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
