// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics.CodeAnalysis;

namespace IdentityServer.Dcr;

/// <summary>
/// The outcome of a whole pipeline: a value, or the <see cref="DcrError"/> to return to the client.
/// </summary>
/// <typeparam name="T">The type of the value on success.</typeparam>
public sealed class DcrResult<T>
    where T : class
{
    private DcrResult(T? value, DcrError? error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>The value, when the pipeline succeeded.</summary>
    public T? Value { get; }

    /// <summary>The error, when the pipeline failed.</summary>
    public DcrError? Error { get; }

    /// <summary>Whether the pipeline succeeded.</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Error is null;

    internal static DcrResult<T> Create(T? value, DcrError? error) => new(value, error);
}

/// <summary>Creates <see cref="DcrResult{T}"/> values.</summary>
public static class DcrResult
{
    /// <summary>Creates a successful result.</summary>
    /// <typeparam name="T">The type of the value.</typeparam>
    /// <param name="value">The value.</param>
    /// <returns>The result.</returns>
    public static DcrResult<T> Success<T>(T value)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(value);
        return DcrResult<T>.Create(value, null);
    }

    /// <summary>Creates a failed result.</summary>
    /// <typeparam name="T">The type of the value on success.</typeparam>
    /// <param name="error">The error.</param>
    /// <returns>The result.</returns>
    public static DcrResult<T> Failure<T>(DcrError error)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(error);
        return DcrResult<T>.Create(null, error);
    }
}
