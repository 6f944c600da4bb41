// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;

namespace IdentityServer.Dcr.Fuzzing;

/// <summary>
/// SharpFuzz instrumentation of the engine assembly in the command's own output directory, and the coverage map the
/// instrumented branches write to (<c>SharpFuzz.Common.Trace.SharedMem[cur ^ prev]++</c>).
/// </summary>
/// <remarks>
/// Nothing here may touch a type of IdentityServer.Dcr: the assembly must be rewritten before the runtime loads it.
/// </remarks>
internal static unsafe class Instrumentation
{
    /// <summary>The size of the coverage map (AFL's default, 64 KiB).</summary>
    public const int MapSize = 1 << 16;

    /// <summary>The file name of the instrumented assembly.</summary>
    public const string EngineAssemblyFile = "IdentityServer.Dcr.dll";

    private const string TraceAssemblyName = "SharpFuzz.Common";

    /// <summary>Gets the path of the engine assembly next to this command.</summary>
    public static string EngineAssemblyPath => Path.Combine(AppContext.BaseDirectory, EngineAssemblyFile);

    /// <summary>
    /// Instruments the engine assembly in place, unless it already references SharpFuzz.Common (a previous run did it;
    /// a rebuild copies the plain assembly back).
    /// </summary>
    /// <returns>Whether this call instrumented it (<see langword="false"/>: it already was).</returns>
    /// <exception cref="InvalidOperationException">The assembly is already loaded, so it can no longer be rewritten.</exception>
    public static bool EnsureInstrumented()
    {
        if (AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "IdentityServer.Dcr"))
        {
            throw new InvalidOperationException("IdentityServer.Dcr is already loaded; it must be instrumented before first use.");
        }

        var path = EngineAssemblyPath;
        if (IsInstrumented(path))
        {
            return false;
        }

        // Every type of the engine. SharpFuzz rewrites the file in place.
        _ = SharpFuzz.Fuzzer.Instrument(path, static _ => true, SharpFuzz.Options.Value);
        if (!IsInstrumented(path))
        {
            throw new InvalidOperationException($"SharpFuzz did not instrument {path}.");
        }

        return true;
    }

    /// <summary>Whether an assembly references SharpFuzz.Common, the mark of SharpFuzz instrumentation.</summary>
    /// <param name="path">The assembly file.</param>
    /// <returns><see langword="true"/> when it is instrumented.</returns>
    public static bool IsInstrumented(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        return metadata.AssemblyReferences
            .Select(handle => metadata.GetString(metadata.GetAssemblyReference(handle).Name))
            .Contains(TraceAssemblyName, StringComparer.Ordinal);
    }

    /// <summary>Allocates the coverage map and points SharpFuzz's trace at it. Call once, before instrumented code runs.</summary>
    /// <returns>The map (never freed: it lives as long as the process).</returns>
    public static byte* AttachCoverageMap()
    {
        var map = (byte*)NativeMemory.AllocZeroed(MapSize);
        SharpFuzz.Common.Trace.SharedMem = map;
        SharpFuzz.Common.Trace.PrevLocation = 0;
        return map;
    }
}
