// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Registration;

/// <summary>
/// Lightweight hooks into the registration pipeline. Set the <c>On…</c> delegates, or derive and override the
/// methods and register the type with <c>AddDcr().AddEvents&lt;T&gt;()</c>. A handler of
/// <see cref="OnRequestValidated"/> may call <see cref="DcrRequestContext.Reject"/>: the pipeline checks after that
/// event and stops before anything is stored. <see cref="OnClientRegistered"/> runs after the registration is
/// committed (for auditing and notifications; <see cref="DcrRequestContext.Registration"/> holds it) and cannot undo it.
/// </summary>
public class DcrEvents
{
    /// <summary>Runs once every check has passed and the metadata is final, before anything is stored.</summary>
    public Func<DcrRequestContext, Task> OnRequestValidated { get; set; } = _ => Task.CompletedTask;

    /// <summary>Runs after a registration was stored.</summary>
    public Func<DcrRequestContext, Task> OnClientRegistered { get; set; } = _ => Task.CompletedTask;

    /// <summary>Runs when a request was rejected, with the error in <see cref="DcrRequestContext.Error"/>.</summary>
    public Func<DcrRequestContext, Task> OnRequestRejected { get; set; } = _ => Task.CompletedTask;

    /// <summary>Invokes <see cref="OnRequestValidated"/>.</summary>
    /// <param name="context">The request context.</param>
    /// <returns>A task.</returns>
    public virtual Task RequestValidatedAsync(DcrRequestContext context) => OnRequestValidated(context);

    /// <summary>Invokes <see cref="OnClientRegistered"/>.</summary>
    /// <param name="context">The request context.</param>
    /// <returns>A task.</returns>
    public virtual Task ClientRegisteredAsync(DcrRequestContext context) => OnClientRegistered(context);

    /// <summary>Invokes <see cref="OnRequestRejected"/>.</summary>
    /// <param name="context">The request context.</param>
    /// <returns>A task.</returns>
    public virtual Task RequestRejectedAsync(DcrRequestContext context) => OnRequestRejected(context);
}
