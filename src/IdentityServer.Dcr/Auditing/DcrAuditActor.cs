// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Auditing;

/// <summary>
/// Names who makes the changes written inside a scope, for the audit trail's <see cref="DcrAuditRecord.Actor"/>: an
/// operator page wraps its actions in <see cref="Begin"/>, and every audit entry the stores write in that asynchronous
/// flow carries the name. Outside a scope the actor is the TPP (no name), as for the registration endpoints.
/// </summary>
/// <remarks>
/// The name flows with the <see cref="ExecutionContext"/> like <see cref="System.Diagnostics.Activity.Current"/>, so
/// the store methods keep their signatures and every plug-in's store records it without knowing about operators.
/// </remarks>
public static class DcrAuditActor
{
    private static readonly AsyncLocal<string?> Name = new();

    /// <summary>The actor of the current scope; <see langword="null"/> outside one.</summary>
    public static string? Current => Name.Value;

    /// <summary>Starts a scope in which audit entries name <paramref name="actor"/>; dispose it to end the scope.</summary>
    /// <param name="actor">Who acts, for example <c>operator:alice</c>; at most 256 characters are kept.</param>
    /// <returns>The scope.</returns>
    public static IDisposable Begin(string actor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var previous = Name.Value;
        Name.Value = actor.Length > 256 ? actor[..256] : actor;
        return new Scope(previous);
    }

    private sealed class Scope(string? previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                Name.Value = previous;
            }
        }
    }
}
