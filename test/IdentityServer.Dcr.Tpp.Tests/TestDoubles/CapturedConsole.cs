// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Tpp.Tests.TestDoubles;

/// <summary>A <see cref="TppConsole"/> writing to strings.</summary>
internal sealed class CapturedConsole
{
    public CapturedConsole(bool verbose = false) => Console = new TppConsole(Out, Error, verbose);

    public StringWriter Out { get; } = new();

    public StringWriter Error { get; } = new();

    public TppConsole Console { get; }
}
