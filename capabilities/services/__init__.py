"""Everything a user can change. Each function takes the acting user, checks the role,
validates (ValidationFailed with Swedish messages), writes an AuditEvent and flushes.
The caller commits."""

from capabilities.services.actors import ActorInput, create_actor, retire_actor, update_actor
from capabilities.services.assessments import (
    KEEP_TARGET,
    AssessmentInput,
    can_withdraw,
    current_assessment,
    record_assessment,
    withdraw_assessment,
)
from capabilities.services.assignments import (
    AssignmentInput,
    add_milestone,
    complete_milestone,
    confirm_missed,
    create_assignment,
    update_assignment,
)
from capabilities.services.links import (
    add_responsibility,
    end_assignment_link,
    end_responsibility,
    link_assignment,
)
from capabilities.services.measures import (
    MeasureInput,
    create_measure,
    transition_measure,
    update_measure,
)
from capabilities.services.register import (
    CapabilityInput,
    create_capability,
    rename_level,
    retire_capability,
    update_capability,
)
from capabilities.services.tokens import authenticate_token, create_token, revoke_token
from capabilities.services.users import (
    NewUser,
    UserInput,
    change_own_password,
    create_user,
    deactivate_user,
    set_password,
    system_user,
    update_own_profile,
    update_user,
)

__all__ = [
    "KEEP_TARGET",
    "ActorInput",
    "AssessmentInput",
    "AssignmentInput",
    "CapabilityInput",
    "MeasureInput",
    "NewUser",
    "UserInput",
    "add_milestone",
    "add_responsibility",
    "authenticate_token",
    "can_withdraw",
    "change_own_password",
    "complete_milestone",
    "confirm_missed",
    "create_actor",
    "create_assignment",
    "create_capability",
    "create_measure",
    "create_token",
    "create_user",
    "current_assessment",
    "deactivate_user",
    "end_assignment_link",
    "end_responsibility",
    "link_assignment",
    "record_assessment",
    "rename_level",
    "retire_actor",
    "retire_capability",
    "revoke_token",
    "set_password",
    "system_user",
    "transition_measure",
    "update_actor",
    "update_assignment",
    "update_capability",
    "update_measure",
    "update_own_profile",
    "update_user",
    "withdraw_assessment",
]
