// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Tpp;

/// <summary>
/// Where the commands write: what they do to <see cref="Out"/>, HTTP exchanges (with <c>--verbose</c>) and errors to
/// <see cref="Error"/>.
/// </summary>
internal sealed class TppConsole(TextWriter output, TextWriter error, bool verbose)
{
    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    public bool Verbose { get; } = verbose;

    public void Step(string message) => Out.WriteLine(message);

    public void Detail(string message) => Out.WriteLine("  " + message);

    public void Warn(string message) => Error.WriteLine("warning: " + message);
}
