// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics.CodeAnalysis;

namespace IdentityServer.Dcr;

/// <summary>
/// The outcome of one pipeline step: success, or a failure carrying the <see cref="DcrError"/> to return.
/// </summary>
public readonly struct DcrStepResult : IEquatable<DcrStepResult>
{
    private DcrStepResult(DcrError? error) => Error = error;

    /// <summary>The successful result.</summary>
    public static DcrStepResult Success => default;

    /// <summary>The error, or <see langword="null"/> when the step succeeded.</summary>
    public DcrError? Error { get; }

    /// <summary>Whether the step succeeded.</summary>
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Error is null;

    /// <summary>Creates a failed result.</summary>
    /// <param name="error">The error to return to the client.</param>
    /// <returns>The failed result.</returns>
    public static DcrStepResult Failure(DcrError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new DcrStepResult(error);
    }

    /// <summary>A completed task holding <see cref="Success"/>, for steps that have nothing to await.</summary>
    public static Task<DcrStepResult> SuccessTask { get; } = Task.FromResult(Success);

    /// <inheritdoc />
    public bool Equals(DcrStepResult other) => Equals(Error, other.Error);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DcrStepResult other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Error?.GetHashCode() ?? 0;

    /// <summary>Compares two results.</summary>
    /// <param name="left">The first result.</param>
    /// <param name="right">The second result.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(DcrStepResult left, DcrStepResult right) => left.Equals(right);

    /// <summary>Compares two results.</summary>
    /// <param name="left">The first result.</param>
    /// <param name="right">The second result.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(DcrStepResult left, DcrStepResult right) => !left.Equals(right);

    /// <summary>Converts an error into a failed result.</summary>
    /// <param name="error">The error.</param>
    public static implicit operator DcrStepResult(DcrError error) => Failure(error);

    /// <summary>Converts an error into a failed result.</summary>
    /// <param name="error">The error.</param>
    /// <returns>The failed result.</returns>
    public static DcrStepResult FromDcrError(DcrError error) => Failure(error);
}
