// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Auditing;
using IdentityServer.Dcr.Logging;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.Registration;

/// <summary>
/// What happens when a registration or update is refused, whichever plug-in refused it: the refusal is set on the
/// context (an event handler's own refusal is kept), logged (event 1000, <c>RequestRejected</c>), recorded in the audit
/// trail when it passed TLS, and <see cref="DcrEvents.OnRequestRejected"/> is raised. The engine's
/// <see cref="RegistrationService"/> and the Duende plug-in's service both call it, so the two paths cannot drift.
/// </summary>
public class RegistrationRefusals
{
    /// <summary>Creates the service.</summary>
    /// <param name="events">The engine's events.</param>
    /// <param name="logger">The logger (the engine's registration category).</param>
    /// <param name="audit">The audit trail; none when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock of audit entries.</param>
    public RegistrationRefusals(
        DcrEvents events,
        ILogger<RegistrationService> logger,
        IDcrAuditStore? audit = null,
        TimeProvider? timeProvider = null)
    {
        Events = events;
        Logger = logger;
        Audit = audit;
        TimeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The engine's events.</summary>
    protected DcrEvents Events { get; }

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <summary>The audit trail, if any.</summary>
    protected IDcrAuditStore? Audit { get; }

    /// <summary>The clock.</summary>
    protected TimeProvider TimeProvider { get; }

    /// <summary>Refuses the request of <paramref name="context"/>.</summary>
    /// <param name="context">The request context, as far as it got.</param>
    /// <param name="refusal">The refusal (an event handler's <see cref="DcrRequestContext.Error"/>, when set, is answered instead).</param>
    /// <returns>The error to answer with.</returns>
    public virtual async Task<DcrError> RefuseAsync(DcrRequestContext context, DcrError refusal)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(refusal);
        if (context.Error is null)
        {
            context.Reject(refusal);
        }

        var answer = context.Error!;
        Logger.RequestRejected(answer.Error, answer.ErrorDescription);
        await DcrAuditRefusals.RecordAsync(Audit, context, answer, TimeProvider.GetUtcNow(), Logger).ConfigureAwait(false);
        await Events.RequestRejectedAsync(context).ConfigureAwait(false);
        return answer;
    }
}
