from painpath.core.accounts import Role
from tests.factories import make_user
from tests.web_helpers import client_for, sign_in


def test_clinician_signs_in_and_sees_patient_list(services):
    clinician = make_user(services, Role.clinician)
    client = client_for(services)
    sign_in(client, clinician.email, clinician.password)
    response = client.get("/patients")
    assert response.status_code == 200
    assert "No patients yet" in response.text
