// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Host;

namespace IdentityServer.Dcr.Tpp.Tests.Host;

/// <summary>The demo host's native heap trimming: malloc_trim is reached on glibc Linux and skipped elsewhere.</summary>
public sealed class NativeMemoryTrimmerTests
{
    [Test]
    public void TryTrim_OnGlibcLinux_CallsMallocTrim()
    {
        var glibc = OperatingSystem.IsLinux() && (File.Exists("/lib/x86_64-linux-gnu/libc.so.6") || File.Exists("/lib/aarch64-linux-gnu/libc.so.6"));
        Assert.That(NativeMemoryTrimmer.TryTrim(), Is.EqualTo(glibc));
    }
}
