// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Tpp;

/// <summary>
/// An expected failure (missing state, a file that cannot be read, a bank that is down or says no): the tool prints
/// its message on one line and exits with code 1, never with a stack trace.
/// </summary>
internal sealed class TppException : Exception
{
    public TppException()
    {
    }

    public TppException(string message)
        : base(message)
    {
    }

    public TppException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
