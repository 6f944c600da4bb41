// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Fuzzing;

/// <summary>Thrown by a fuzz target when the code under test returned but broke an invariant it promises.</summary>
public sealed class FuzzInvariantException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FuzzInvariantException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The invariant that does not hold.</param>
    public FuzzInvariantException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The invariant that does not hold.</param>
    /// <param name="detail">The values involved, for the finding's log.</param>
    public FuzzInvariantException(string message, string? detail)
        : base(message)
    {
        Detail = detail;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The invariant that does not hold.</param>
    /// <param name="innerException">The cause.</param>
    public FuzzInvariantException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the values involved, for the finding's log (not part of its signature).</summary>
    public string? Detail { get; }

    /// <inheritdoc />
    public override string ToString() => Detail is null ? base.ToString() : $"{base.ToString()}{Environment.NewLine}Detail: {Detail}";
}
